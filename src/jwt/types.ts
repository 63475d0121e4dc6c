/** The JOSE header of a JWS (RFC 7515 section 4). */
export interface JwtHeader {
  /** Signature algorithm; hostsig signs and accepts only `"RS256"` (anything else is `ALG_NOT_ALLOWED`). */
  alg: string;
  /** Media type of the whole token: `"JWT"` by default when hostsig signs (see `SignJwtOptions.typ`); checked only when the `typ` verify option asks. */
  typ?: string;
  /** Key id: which of the issuer's keys signed it (pick a key with `decodeProtectedHeader`). */
  kid?: string;
  /** Content type of the payload; never set or checked by hostsig. */
  cty?: string;
  /** Extension parameters the verifier must understand: refused unless listed in the `crit` verify option. */
  crit?: string[];
  [parameter: string]: unknown;
}

/** JWT claims (RFC 7519 section 4). Unknown claims are kept as parsed. */
export interface JwtPayload {
  /** Issuer: who made the token (e.g. the billing site's URL); checked against the `issuer` option. */
  iss?: string;
  /** Subject: whom the token is about (the HostBill user); checked against the `subject` option. */
  sub?: string;
  /** Audience: who it is for, one string or several; one must match the `audience` option. */
  aud?: string | string[];
  /** Expiry, seconds since the epoch: refused (`JWT_EXPIRED`) once `now - clockTolerance >= exp`. */
  exp?: number;
  /** Not before, seconds since the epoch: refused (`JWT_NOT_YET_VALID`) while `now + clockTolerance < nbf`. */
  nbf?: number;
  /** Issued at, seconds since the epoch; must be a number, and its value is checked only with `maxTokenAge`. */
  iat?: number;
  /** Token id, unique per token (`HostBillTokenIssuer` sets a random UUID); its type is checked, its value never. */
  jti?: string;
  [claim: string]: unknown;
}
