/// What the provider answers to the driver's `Version` call.
public enum CSIProviderVersion {
    /// The driver API version served: `v1alpha1`.
    public static let apiVersion = "v1alpha1"
    /// The runtime name reported to the driver.
    public static let runtimeName = "akv-csi-provider"
    /// This package's version (semver), reported as the runtime version.
    public static let runtimeVersion = "0.2.0"
}
