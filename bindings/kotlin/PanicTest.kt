// A Rust panic forced through the Kotlin bindings. Runs against a library built with the ffi
// crate's test-only `panic-test` feature (bindings/test.sh builds it apart from the shipped one,
// and points JNA at it with -Djna.library.path): there `verify`, `decode` and `loadRules` panic
// on PANIC_TRIGGER. Prints "kotlin-panic: N passed, N failed" and exits 1 on any failure.

package eu.dcc.verify.panictest

import eu.dcc.verify.CheckStatus
import eu.dcc.verify.DecodeOutcome
import eu.dcc.verify.InternalException
import eu.dcc.verify.Outcome
import eu.dcc.verify.UndecidableReason
import eu.dcc.verify.UnsignedTrustList
import eu.dcc.verify.Verifier
import java.io.File
import kotlin.system.exitProcess

/** Equals PANIC_TRIGGER in bindings/ffi/src/guard.rs. */
private const val PANIC_TRIGGER = "dcc-verify: panic for the binding tests"
private const val AT = 1_780_272_000L
private val repo = File(System.getProperty("dcc.repo") ?: ".")

private var passed = 0
private var failed = 0

private fun test(name: String, body: () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

private fun check(condition: Boolean, what: String) {
    if (!condition) throw AssertionError(what)
}

fun main() {
    val verifier = Verifier()
    verifier.loadUnsignedTrustList(
        UnsignedTrustList.Json(File(repo, "testdata/samples/trust-list.json").readBytes())
    )
    val sample = File(repo, "testdata/samples/vn-vaccination-es256.txt").readText().trim()

    test("verify answers Undecidable(internal-error) when the library panics") {
        val v = verifier.verify(PANIC_TRIGGER, AT)
        val outcome = v.outcome as? Outcome.Undecidable ?: throw AssertionError("got ${v.outcome}")
        check(outcome.reason == UndecidableReason.INTERNAL_ERROR, "reason ${outcome.reason}")
        check(outcome.code == "internal-error", "code ${outcome.code}")
        check(v.certificate == null && v.signer == null, "nothing from the input")
        check(v.checks.signature == CheckStatus.NOT_CHECKED, "signature not checked")
    }
    test("decode answers InternalError when the library panics") {
        val outcome = verifier.decode(PANIC_TRIGGER)
        check(outcome is DecodeOutcome.InternalError, "got $outcome")
    }
    test("a panic in a throwing method is a catchable InternalException") {
        try {
            verifier.loadRules(PANIC_TRIGGER.toByteArray())
            throw AssertionError("nothing thrown")
        } catch (e: InternalException) {
            check(e.message.orEmpty().isNotEmpty(), "a message")
        }
    }
    test("the verifier works on after the panics") {
        check(verifier.verify(sample, AT).outcome == Outcome.Valid, "the sample verifies")
    }
    println("kotlin-panic: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
