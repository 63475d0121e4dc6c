import { type _SHA256, sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { activeHashBackend } from './backend.js';
import { abytes } from './bytes.js';
import { equalBytes } from './compare.js';

/**
 * HMAC-SHA256 (RFC 2104) over bytes.
 * @param key the HMAC key
 * @param message the bytes to authenticate
 * @returns the 32-byte MAC
 * @throws HostsigError `INVALID_ARGUMENT` when either is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToBase64, hmacSha256, utf8ToBytes } from 'hostsig/core';
 *
 * // 6connect's documented example: the secret's ASCII bytes key the HMAC.
 * const mac = hmacSha256(
 *   utf8ToBytes('48b278ec873bda4738923dbc467f8669'),
 *   utf8ToBytes('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB'),
 * );
 * bytesToBase64(mac) // => 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='
 * ```
 */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  abytes(key, 'key');
  abytes(message, 'message');
  const b = activeHashBackend();
  return b === null ? pureHmacSha256(key, message) : b.hmacSha256(key, message);
}

/**
 * Checks an HMAC-SHA256 tag in constant time. A `tag` shorter than 32 bytes is compared
 * against the same-length prefix of the MAC (truncated tags, RFC 2104 section 5), but never
 * shorter than `minTagBytes` (default 16), so a one-byte tag cannot pass by luck.
 * @param key the HMAC key
 * @param message the authenticated bytes
 * @param tag the received MAC (16 to 32 bytes)
 * @param minTagBytes shortest tag accepted, default 16
 * @throws HostsigError `INVALID_ARGUMENT` when an argument is not a Uint8Array
 * @example
 * ```ts
 * import { base64ToBytes, utf8ToBytes, verifyHmacSha256 } from 'hostsig/core';
 *
 * const key = utf8ToBytes('48b278ec873bda4738923dbc467f8669');
 * const msg = utf8ToBytes('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB');
 * verifyHmacSha256(key, msg, base64ToBytes('yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=')) // => true
 * verifyHmacSha256(key, msg, new Uint8Array(32)) // => false
 * ```
 */
export function verifyHmacSha256(key: Uint8Array, message: Uint8Array, tag: Uint8Array, minTagBytes = 16): boolean {
  abytes(tag, 'tag');
  if (tag.length < minTagBytes || tag.length > 32) return false;
  return equalBytes(hmacSha256(key, message).subarray(0, tag.length), tag);
}

/**
 * SHA-256 over bytes (@noble/hashes, or the backend registered with `registerHashBackend`),
 * with hostsig's input check so a look-alike is a `HostsigError`, not a TypeError;
 * `sha256.create()` gives the streaming form, which is always @noble/hashes'.
 * @param message the bytes to hash
 * @throws HostsigError `INVALID_ARGUMENT` when `message` is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToHex, sha256, utf8ToBytes } from 'hostsig/core';
 *
 * bytesToHex(sha256(utf8ToBytes('abc'))) // => 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * ```
 */
export const sha256: ((message: Uint8Array) => Uint8Array) & {
  /** The streaming hasher of `@noble/hashes`: `sha256.create().update(a).update(b).digest()`. */
  create: typeof nobleSha256.create;
} = /* @__PURE__ */ (() =>
  // An annotated IIFE, so a bundle that never hashes with it (6connect's HMAC-only path) drops it.
  Object.assign(
    (message: Uint8Array): Uint8Array => {
      abytes(message, 'message');
      const b = activeHashBackend();
      return b === null ? nobleSha256(message) : b.sha256(message);
    },
    { create: nobleSha256.create },
  ))();

/** @internal SHA-256 of `head || tail` without concatenating on the pure path. */
export function sha256Parts(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const b = activeHashBackend();
  if (b === null) return pureSha256Parts(head, tail);
  const all = new Uint8Array(head.length + tail.length);
  all.set(head);
  all.set(tail, head.length);
  return b.sha256(all);
}

// The pure paths below build no hasher per call: each starts from a copy of a state made once
// (the blank SHA-256 state, or a key's HMAC states), cloned into a state object that is reused,
// since building a hasher (its block buffer and DataView) costs as much as a compression. All
// of this is synchronous, so a reused state is never shared by two calls; `digest()` wipes a
// state (its words and block buffer) as it finishes, so no message or key stays behind in one.

let blankState: _SHA256 | undefined;
/** The initial SHA-256 state cloned into `to` (a new state without `to`). */
function freshSha256(to?: _SHA256): _SHA256 {
  return (blankState ??= nobleSha256.create())._cloneInto(to);
}

let partsState: _SHA256 | undefined;
/** SHA-256 of `head || tail` on @noble/hashes. */
function pureSha256Parts(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const h = (partsState = freshSha256(partsState));
  return h.update(head).update(tail).digest();
}

/** HMAC's two keyed SHA-256 states: after the key XOR ipad block, and after the key XOR opad block. */
interface HmacStates {
  inner: _SHA256;
  outer: _SHA256;
}

// The key block, and its first 63 bytes and last byte: hashed in two updates, a full block is
// copied into the state's own buffer instead of getting a DataView of its own.
const KEY_BLOCK = /* @__PURE__ */ new Uint8Array(64);
const KEY_BLOCK_HEAD = /* @__PURE__ */ KEY_BLOCK.subarray(0, 63);
const KEY_BLOCK_LAST = /* @__PURE__ */ KEY_BLOCK.subarray(63);

/** RFC 2104's keyed states for `key`, written into `into` (new states without it). */
function keyHmacStates(key: Uint8Array, into?: HmacStates): HmacStates {
  KEY_BLOCK.fill(0);
  // A key longer than the block is hashed first (RFC 2104 section 2).
  KEY_BLOCK.set(key.length > 64 ? pureSha256Parts(key, EMPTY) : key);
  for (let i = 0; i < 64; i++) KEY_BLOCK[i]! ^= 0x36;
  const inner = freshSha256(into?.inner).update(KEY_BLOCK_HEAD).update(KEY_BLOCK_LAST);
  for (let i = 0; i < 64; i++) KEY_BLOCK[i]! ^= 0x36 ^ 0x5c;
  const outer = freshSha256(into?.outer).update(KEY_BLOCK_HEAD).update(KEY_BLOCK_LAST);
  KEY_BLOCK.fill(0);
  return { inner, outer };
}

const EMPTY = /* @__PURE__ */ new Uint8Array(0);

/** The MAC of `message` from keyed states; both are wiped by their digest. */
function finishHmac(inner: _SHA256, outer: _SHA256, message: Uint8Array): Uint8Array {
  return outer.update(inner.update(message).digest()).digest();
}

let oneShot: HmacStates | undefined;
/** HMAC-SHA256 on @noble/hashes' SHA-256, the key set up for this call only. */
function pureHmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const s = (oneShot = keyHmacStates(key, oneShot));
  return finishHmac(s.inner, s.outer, message);
}

/**
 * Prepares HMAC-SHA256 for one key: the key's inner and outer blocks are hashed once, and each
 * message then starts from a copy of those two states, saving the two SHA-256 compressions
 * (and the set-up) that {@link hmacSha256} spends on the key per message. Gives the bytes of
 * `hmacSha256(key, message)` exactly. When a hash backend is registered (`registerHashBackend`,
 * `useNodeCrypto`) at the time of a call, that call goes to the backend's `hmacSha256` instead.
 *
 * The returned function holds the key (a copy, and the keyed states) for as long as the caller
 * keeps the function: that lifetime is the caller's to decide, as for the key itself.
 * @param key the HMAC key (copied: later changes to the array do not change the MAC)
 * @returns a function from a message to its 32-byte MAC
 * @throws HostsigError `INVALID_ARGUMENT` when `key` (or, at call time, the message) is not a Uint8Array
 * @example
 * ```ts
 * import { bytesToBase64, prepareHmacSha256, utf8ToBytes } from 'hostsig/core';
 *
 * // 6connect's documented example, with the secret's key set-up done once.
 * const mac = prepareHmacSha256(utf8ToBytes('48b278ec873bda4738923dbc467f8669'));
 * bytesToBase64(mac(utf8ToBytes('target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB'))) // => 'yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ='
 * bytesToBase64(mac(utf8ToBytes('target=test&action=helloWorld&param1=100&apiKey=32-5DAYTJQY2TZHOFOB'))) // => '6onK7BpNr5xgTxPCFWXBzl2FYOKDvtbJDTkhP0u74mk='
 * ```
 */
export function prepareHmacSha256(key: Uint8Array): (message: Uint8Array) => Uint8Array {
  abytes(key, 'key');
  const k = key.slice();
  // Made on the first pure call: a process on a native backend never needs them.
  let keyed: HmacStates | undefined;
  let inner: _SHA256 | undefined;
  let outer: _SHA256 | undefined;
  return (message: Uint8Array): Uint8Array => {
    abytes(message, 'message');
    const b = activeHashBackend();
    if (b !== null) return b.hmacSha256(k, message);
    keyed ??= keyHmacStates(k);
    // Refilled from the keyed states on every call, then wiped by finishHmac's digests.
    inner = keyed.inner._cloneInto(inner);
    outer = keyed.outer._cloneInto(outer);
    return finishHmac(inner, outer, message);
  };
}
