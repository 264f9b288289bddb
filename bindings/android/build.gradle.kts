// The Android library module laid out by bindings/android/build-aar.sh (not built by this
// repository's CI). `gradle assembleRelease` gives build/outputs/aar/dcc-verify-release.aar.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "eu.dcc.verify"
    compileSdk = 35
    defaultConfig {
        minSdk = 21
        consumerProguardFiles("consumer-rules.pro")
    }
    // The native libraries are already stripped; keep them as they are.
    packaging { jniLibs { keepDebugSymbols += "**/libdcc_verify.so" } }
}

dependencies {
    // The generated bindings call the library through JNA (the @aar variant carries JNA's own
    // native parts for Android).
    implementation("net.java.dev.jna:jna:5.13.0@aar")
}
