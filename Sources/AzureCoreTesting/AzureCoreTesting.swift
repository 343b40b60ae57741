// AzureCoreTesting: the light test support of the suite, with no emulator in it: a generated test CA (`TLS/`), a
// loopback HTTPS server, an unresponsive port and fault injection (`Servers/`), a manual clock (`Clock/`), log
// capture (`Logging/`), a scripted HTTPTransport (`HTTP/`) and a static TokenCredential (`Credentials/`).
// For tests only: nothing in the libraries depends on this module.
