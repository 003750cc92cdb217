/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    // Single fetch stays off: it routes every data request through turbo-stream 2.4.1,
    // which has an unpatched denial-of-service advisory (see README, decisions).
    v3_singleFetch: false,
  },
};
