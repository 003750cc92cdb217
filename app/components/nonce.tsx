import { createContext, useContext } from "react";

// The per-request CSP nonce, provided by entry.server so that Remix's inline scripts may run.
// In the browser it is empty: the scripts are already there.
const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
