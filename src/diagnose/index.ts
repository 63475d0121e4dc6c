/**
 * The mistake catalogue `hostsig diagnose` and the web page both show: per scheme, the
 * context taken from a failed request, the mistakes real clients make (each re-derived or
 * recognised from what was sent), their one-sentence fixes, and the staged view. Pure: Web APIs
 * only, no `node:`, no CLI types; what the CLI reads from files comes in as plain data.
 */
export { type Candidate, type Diagnosis, type DiagnoseReport, type Finding, type Mistake, runMistakes } from './types.js';
export { type Stage, type Staged, stageRows, stageText, textStage } from './stage.js';
export { diagnoseHostDime, HOSTDIME_MISTAKES, type HostDimeCtx, type HostDimeDiagnoseInput, hostDimeContext, pyDumps, unescapeSlashes, unescapeUnicode } from './hostdime.js';
export { decodeReceived, diagnoseSixConnect, SIXCONNECT_MISTAKES, type SixConnectCtx, type SixConnectDiagnoseInput, sixConnectContext } from './sixconnect.js';
export { diagnoseWhm, type WhmDiagnoseInput, type WhmTokenLists } from './whm.js';
export { diagnoseHostKey, type HostKeyDiagnoseInput } from './hostkey.js';
export { diagnoseHostBillBasic, type HostBillBasicDiagnoseInput } from './hostbill.js';
export { diagnoseJwt, type DiagnoseJwtInput, type JwtDiagnoseReport, type JwtMistake, JWT_MISTAKES, type KeyInfo, loadKeyForDiagnosis, recoverDigest } from './jwt/index.js';
export { headerValue, isHttpRequest, MAX_HEADER_LINES, parseHeaderLines, parseHttpRequest, type PastedRequest, splitTarget } from './http.js';
export { LOG_FIELD_MAX, logSafe } from './safe-text.js';
export { diagnoseNoScheme } from './scheme.js';
export { HEADLINE_CODES, type HeadlineContext, jwtHeadline, type JwtHeadlineReport, plainHeadline, relativeTime, utcTime } from './headline.js';
