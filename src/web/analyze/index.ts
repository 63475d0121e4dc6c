/**
 * Verify-side analyses, one file per scheme, over the library's public functions and the
 * mistake catalogue (src/diagnose) that `hostsig diagnose` shows too. Each takes what the
 * page's fields hold and returns an {@link Analysis}: the verdict in plain words, the
 * catalogue's findings, the stages side by side, and notes. Never throws.
 */
export { paramRows } from './common.js';
export { analyzeHostDime, type HostDimeVerifyInput } from './hostdime.js';
export { analyzeSixConnect, type SixConnectVerifyInput } from './sixconnect.js';
export { analyzeWhm, type WhmVerifyInput } from './whm.js';
export { analyzeHostKey, analyzeHostKeyPin, type HostKeyPinInput, type HostKeyVerifyInput } from './hostkey.js';
export { analyzeHostBill, type HostBillVerifyInput } from './hostbill.js';
