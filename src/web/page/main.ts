/**
 * The debugger page: builds the forms from a small spec, runs the analyses and signers as the
 * person types (debounced) and on submit, renders the verdict, the stages and a JWT in colour.
 * The URL hash selects the scheme and mode and may carry a shared request (never a secret).
 * No framework; user text only ever reaches the DOM through textContent.
 */
import { importPrivateKey, exportSpkiPem } from '../../rsa/index.js';
import { signJwt } from '../../jwt/index.js';
import { analyzeHostBill, analyzeHostDime, analyzeHostKey, analyzeHostKeyPin, analyzeSixConnect, analyzeWhm } from '../analyze/index.js';
import { type Analysis, type Finding, firstDifference, SCHEME_LABELS, type SchemeId, type Stage } from '../model.js';
import { differingRegion } from '../model.js';
import { findJwt, jwtView } from '../input.js';
import { parseHash, SHARE_MAX, shareableFields, shareHash } from '../share.js';
import { hostKeyPinRecord, type Signed, signHostBillForm, signHostDimeForm, signHostKeyForm, signSixConnectForm, signWhmForm } from '../sign.js';

/** vectors/keys/rsa2048.pkcs1.pem, a published test key, injected by the build. */
declare const __EXAMPLE_RSA_PEM__: string;

type Mode = 'verify' | 'sign';
type Values = Record<string, string>;

interface Field {
  id: string;
  label: string;
  kind?: 'text' | 'textarea' | 'select' | 'checkbox';
  rows?: number;
  options?: [string, string][];
  placeholder?: string;
  help?: string;
  /** A key, secret, token, password, PIN or record: never put in a share link. */
  secret?: boolean;
  /** The value the field starts with. */
  value?: string;
}

interface FormSpec {
  id: string;
  scheme: SchemeId;
  mode: Mode;
  title: string;
  fields: Field[];
  submit: string;
  example?: () => Values | Promise<Values>;
  /** Shown collapsed in a <details> with this summary (so it does not sit between an input and its result). */
  collapsed?: string;
  run(v: Values): Promise<Analysis | Signed | { text: string; title: string }>;
}

const HD_EXAMPLE =
  'POST /v1/domain/list.json HTTP/1.1\nHost: api.hostdime.com\nContent-Type: application/x-www-form-urlencoded\n\nstatus=registered&order=desc&api_key=pub&api_timestamp=1369758680&api_unique=ABCDEF&api_hash=499b5d8b8bce0f66d829d9186fb475c16b505ef7e6238c3b43c3342902ce27dd';
const SC_EXAMPLE = 'https://ipam.example.com/api/v1/api.php?target=ipam&action=get&type=IP&mask=24&apiKey=32-5DAYTJQY2TZHOFOB&hash=yneSFMyxPPe+3W4IOkVp50K3VStatBcRRak+2ygDUWQ=';
const WHM_TOKEN = 'U7HMR63FGY292DQZ4H5BFH16JLYMO01M';
const HK_TOKEN = '3f0c9a5be1d24c7f8a6b2e4d9c1f7a05';

function exampleJwt(): Values {
  const key = importPrivateKey(__EXAMPLE_RSA_PEM__);
  const token = signJwt({ sub: 'client-42', iss: 'https://billing.example.com' }, key, { expiresIn: 3600 });
  return { request: `Authorization: Bearer ${token}`, publicKey: exportSpkiPem(key) };
}

const KEY_HELP = 'Stays in this page.';
const JWT_HEADER = '{"alg":"RS256","typ":"JWT"}';

const FORMS: FormSpec[] = [
  {
    id: 'hostdime-verify',
    scheme: 'hostdime',
    mode: 'verify',
    title: 'Check a HostDime request',
    fields: [
      { id: 'request', label: 'Request (raw HTTP, or the form body)', kind: 'textarea', rows: 7, placeholder: 'POST /v1/domain/list.json HTTP/1.1 ... or status=...&api_key=...&api_hash=...' },
      { id: 'method', label: 'Method or path (when the paste has no path)', placeholder: 'domain.list or /v1/domain/list.json' },
      { id: 'privateKey', label: 'Private key', help: KEY_HELP, secret: true },
    ],
    submit: 'Verify',
    example: () => ({ request: HD_EXAMPLE, method: '', privateKey: 'fazbaz' }),
    run: async (v) => analyzeHostDime({ request: v.request ?? '', method: v.method ?? '', privateKey: v.privateKey ?? '' }),
  },
  {
    id: 'sixconnect-verify',
    scheme: 'sixconnect',
    mode: 'verify',
    title: 'Check a 6connect ProVision URL',
    fields: [
      { id: 'request', label: 'Request URL (or raw GET request, or the query string)', kind: 'textarea', rows: 4, placeholder: 'https://.../api/v1/api.php?target=...&apiKey=...&hash=...' },
      { id: 'secretKey', label: 'Secret key', help: KEY_HELP, secret: true },
    ],
    submit: 'Verify',
    example: () => ({ request: SC_EXAMPLE, secretKey: '48b278ec873bda4738923dbc467f8669' }),
    run: async (v) => analyzeSixConnect({ request: v.request ?? '', secretKey: v.secretKey ?? '' }),
  },
  {
    id: 'whm-verify',
    scheme: 'whm',
    mode: 'verify',
    title: 'Check a cPanel & WHM Authorization header',
    fields: [
      { id: 'request', label: 'Request, Authorization header, or its value', kind: 'textarea', rows: 5, placeholder: 'Authorization: whm root:TOKEN' },
      { id: 'record', label: 'Token, or the stored token record (JSON)', kind: 'textarea', rows: 3, placeholder: 'U7HM... or {"name":"deploy","digest":"...","expiresAt":0,"whitelistIps":["10.0.0.0/8"]}', help: KEY_HELP, secret: true },
      { id: 'clientIp', label: 'Client IP (for whitelists, optional)', placeholder: '203.0.113.7' },
    ],
    submit: 'Verify',
    example: () => ({ request: `GET /json-api/listaccts?api.version=1 HTTP/1.1\nHost: server.example.com:2087\nAuthorization: whm root:${WHM_TOKEN}`, record: WHM_TOKEN, clientIp: '' }),
    run: async (v) => analyzeWhm({ request: v.request ?? '', record: v.record ?? '', clientIp: v.clientIp ?? '' }),
  },
  {
    id: 'hostkey-verify',
    scheme: 'hostkey',
    mode: 'verify',
    title: 'Check a HostKey session token',
    fields: [
      { id: 'request', label: 'Request (raw HTTP, or the form body with token=)', kind: 'textarea', rows: 5, placeholder: 'action=info&token=...' },
      { id: 'session', label: 'Issued token, or the session record (JSON)', kind: 'textarea', rows: 2, placeholder: '32 hex characters, or {"digest":"...","expiresAt":...,"ip":null}', help: KEY_HELP, secret: true },
      { id: 'clientIp', label: 'Client IP (for fix_ip tokens, optional)' },
    ],
    submit: 'Verify',
    example: () => ({ request: `POST /eq.php HTTP/1.1\nHost: invapi.hostkey.com\nContent-Type: application/x-www-form-urlencoded\n\naction=list&token=${HK_TOKEN}`, session: HK_TOKEN, clientIp: '' }),
    run: async (v) => analyzeHostKey({ request: v.request ?? '', session: v.session ?? '', clientIp: v.clientIp ?? '' }),
  },
  {
    id: 'hostkey-pin',
    scheme: 'hostkey',
    mode: 'verify',
    title: 'Check a HostKey PIN against its record',
    fields: [
      { id: 'pin', label: 'PIN', secret: true },
      { id: 'record', label: 'PIN record (JSON: alg, N, r, p, dkLen, salt, hash)', kind: 'textarea', rows: 3, help: 'Make one in Sign mode.', secret: true },
    ],
    submit: 'Check PIN',
    collapsed: 'Check a HostKey PIN against its record',
    example: async () => ({ pin: '482915', record: await hostKeyPinRecord('482915') }),
    run: async (v) => analyzeHostKeyPin({ pin: v.pin ?? '', record: v.record ?? '' }),
  },
  {
    id: 'hostbill-verify',
    scheme: 'hostbill',
    mode: 'verify',
    title: 'Check a HostBill JWT (RS256) or Basic header',
    fields: [
      { id: 'request', label: 'JWT, Authorization header, or the request', kind: 'textarea', rows: 5, placeholder: 'eyJ... or Authorization: Bearer eyJ... or Authorization: Basic ...' },
      { id: 'publicKey', label: 'Public key for Bearer (PEM, JWK or ssh-rsa)', kind: 'textarea', rows: 4, placeholder: '-----BEGIN PUBLIC KEY-----', secret: true },
      { id: 'email', label: 'E-mail, for Basic', secret: true },
      { id: 'password', label: 'Password, for Basic', help: KEY_HELP, secret: true },
      { id: 'clockTolerance', label: 'Clock tolerance for exp/nbf (seconds)', placeholder: '0' },
    ],
    submit: 'Verify',
    example: () => ({ ...exampleJwt(), email: '', password: '', clockTolerance: '' }),
    run: async (v) => analyzeHostBill({ request: v.request ?? '', publicKey: v.publicKey ?? '', email: v.email ?? '', password: v.password ?? '', clockToleranceSec: Number(v.clockTolerance || 0) }),
  },
  {
    id: 'hostdime-sign',
    scheme: 'hostdime',
    mode: 'sign',
    title: 'Sign a HostDime call',
    fields: [
      { id: 'method', label: 'Method', placeholder: 'domain.list' },
      { id: 'params', label: 'Params, one name=value per line (or a query string)', kind: 'textarea', rows: 4, placeholder: 'status=registered\norder=desc' },
      { id: 'publicKey', label: 'Public key (api_key)', secret: true },
      { id: 'privateKey', label: 'Private key', help: KEY_HELP, secret: true },
      { id: 'dialect', label: 'Dialect', kind: 'select', options: [['php', 'php: json_encode twice (the server\'s)'], ['js', 'js: JSON.stringify twice (the Node client\'s)'], ['ruby', 'ruby: to_json twice (the Ruby gem\'s)']] },
      { id: 'baseUrl', label: 'API base URL', value: 'https://api.hostdime.com', placeholder: 'https://api.hostdime.com' },
      { id: 'timestamp', label: 'api_timestamp (empty: now)' },
      { id: 'unique', label: 'api_unique (empty: a random UUID)' },
    ],
    submit: 'Sign',
    example: () => ({ method: 'domain.list', params: 'status=registered\norder=desc', publicKey: 'pub', privateKey: 'fazbaz', dialect: 'php', baseUrl: 'https://api.hostdime.com', timestamp: '1369758680', unique: 'ABCDEF' }),
    run: async (v) =>
      signHostDimeForm({ method: v.method ?? '', params: v.params ?? '', publicKey: v.publicKey ?? '', privateKey: v.privateKey ?? '', dialect: v.dialect === 'js' || v.dialect === 'ruby' ? v.dialect : 'php', baseUrl: v.baseUrl ?? '', timestamp: v.timestamp ?? '', unique: v.unique ?? '' }),
  },
  {
    id: 'sixconnect-sign',
    scheme: 'sixconnect',
    mode: 'sign',
    title: 'Sign a 6connect ProVision call',
    fields: [
      { id: 'baseUrl', label: 'API URL', placeholder: 'https://ipam.example.com/api/v1/api.php' },
      { id: 'target', label: 'target', placeholder: 'ipam' },
      { id: 'action', label: 'action', placeholder: 'get' },
      { id: 'params', label: 'Params, one name=value per line', kind: 'textarea', rows: 4 },
      { id: 'apiKey', label: 'apiKey', secret: true },
      { id: 'secretKey', label: 'Secret key', help: KEY_HELP, secret: true },
      { id: 'encodeHash', label: 'Percent-encode the hash (%2B %2F %3D)', kind: 'checkbox' },
    ],
    submit: 'Sign',
    example: () => ({ baseUrl: 'https://ipam.example.com/api/v1/api.php', target: 'ipam', action: 'get', params: 'type=IP\nmask=24', apiKey: '32-5DAYTJQY2TZHOFOB', secretKey: '48b278ec873bda4738923dbc467f8669', encodeHash: '' }),
    run: async (v) => signSixConnectForm({ baseUrl: v.baseUrl ?? '', target: v.target ?? '', action: v.action ?? '', params: v.params ?? '', apiKey: v.apiKey ?? '', secretKey: v.secretKey ?? '', encodeHash: v.encodeHash === 'on' }),
  },
  {
    id: 'whm-sign',
    scheme: 'whm',
    mode: 'sign',
    title: 'Make a cPanel & WHM request',
    fields: [
      { id: 'scheme', label: 'Scheme', kind: 'select', options: [['whm', 'whm (WHM API, port 2087)'], ['cpanel', 'cpanel (UAPI, port 2083)']] },
      { id: 'user', label: 'User', placeholder: 'root' },
      { id: 'token', label: 'API token', help: KEY_HELP, secret: true },
      { id: 'url', label: 'URL', placeholder: 'https://server.example.com:2087/json-api/listaccts?api.version=1' },
    ],
    submit: 'Sign',
    example: () => ({ scheme: 'whm', user: 'root', token: WHM_TOKEN, url: 'https://server.example.com:2087/json-api/listaccts?api.version=1' }),
    run: async (v) => signWhmForm({ scheme: v.scheme === 'cpanel' ? 'cpanel' : 'whm', user: v.user ?? '', token: v.token ?? '', url: v.url ?? '' }),
  },
  {
    id: 'hostkey-sign',
    scheme: 'hostkey',
    mode: 'sign',
    title: 'Make a HostKey invapi request',
    fields: [
      { id: 'module', label: 'Module (the .php name)', placeholder: 'eq' },
      { id: 'action', label: 'action', placeholder: 'list' },
      { id: 'token', label: 'Session token', help: KEY_HELP, secret: true },
      { id: 'fields', label: 'Other fields, one name=value per line', kind: 'textarea', rows: 3 },
    ],
    submit: 'Sign',
    example: () => ({ module: 'eq', action: 'list', token: HK_TOKEN, fields: '' }),
    run: async (v) => signHostKeyForm({ module: v.module ?? '', action: v.action ?? '', token: v.token ?? '', fields: v.fields ?? '' }),
  },
  {
    id: 'hostkey-pinrecord',
    scheme: 'hostkey',
    mode: 'sign',
    title: 'Hash a HostKey PIN (server side)',
    fields: [{ id: 'pin', label: 'PIN (4 to 16 digits)', secret: true }],
    submit: 'Hash PIN',
    example: () => ({ pin: '482915' }),
    run: async (v) => ({ title: 'PIN record (scrypt N=2^14, r=8, p=1, fresh salt)', text: await hostKeyPinRecord(v.pin ?? '') }),
  },
  {
    id: 'hostbill-sign',
    scheme: 'hostbill',
    mode: 'sign',
    title: 'Make a HostBill request',
    fields: [
      { id: 'mode', label: 'Authentication', kind: 'select', options: [['jwt', 'Bearer JWT (RS256)'], ['basic', 'Basic (e-mail and password)']] },
      { id: 'url', label: 'URL', placeholder: 'https://billing.example.com/api/details' },
      { id: 'privateKey', label: 'Private key for JWT (PEM or JWK)', kind: 'textarea', rows: 4, help: KEY_HELP, secret: true },
      { id: 'header', label: 'Header (JSON)', kind: 'textarea', rows: 2, value: JWT_HEADER, placeholder: JWT_HEADER },
      { id: 'claims', label: 'Payload (JSON)', kind: 'textarea', rows: 4, placeholder: '{"sub":"client-42"}' },
      { id: 'expiresIn', label: 'Lifetime: sets iat and exp (seconds or 15m, 1h; empty: the payload as typed)', placeholder: '1h' },
      { id: 'email', label: 'E-mail, for Basic', secret: true },
      { id: 'password', label: 'Password, for Basic', secret: true },
    ],
    submit: 'Sign',
    example: () => ({ mode: 'jwt', url: 'https://billing.example.com/api/details', privateKey: __EXAMPLE_RSA_PEM__, header: JWT_HEADER, claims: '{\n  "sub": "client-42"\n}', expiresIn: '1h', email: '', password: '' }),
    run: async (v) =>
      signHostBillForm({ mode: v.mode === 'basic' ? 'basic' : 'jwt', url: v.url ?? '', privateKey: v.privateKey ?? '', header: v.header ?? '', claims: v.claims ?? '', expiresIn: v.expiresIn ?? '', email: v.email ?? '', password: v.password ?? '' }),
  },
];

// ---------------------------------------------------------------------------------------------

/** Live runs wait this long after the last keystroke. */
const LIVE_DELAY_MS = 250;
/** The most request text (all fields together, UTF-8) the page analyses; `hostsig diagnose` has no such limit. */
const MAX_INPUT_BYTES = 256 * 1024;
/** A compared value longer than this is shown collapsed around its differing region. */
const LONG_VALUE = 160;
/** Characters of context either side of the differing region in a collapsed value. */
const CONTEXT = 32;
const SHARE_NOTE =
  'The link carries the scheme, the mode and the request fields, with any Authorization value, token, hash, key or password inside them replaced by <removed>. It never carries a key, secret, token, password or PIN field.';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function fieldInput(spec: FormSpec, f: Field): HTMLElement {
  const id = `${spec.id}-${f.id}`;
  let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  if (f.kind === 'textarea') input = el('textarea', { id, name: f.id, rows: String(f.rows ?? 3), spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off' });
  else if (f.kind === 'select') {
    input = el('select', { id, name: f.id });
    for (const [value, text] of f.options ?? []) input.append(el('option', { value }, text));
  } else if (f.kind === 'checkbox') input = el('input', { id, name: f.id, type: 'checkbox' });
  else input = el('input', { id, name: f.id, type: 'text', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off' });
  if (f.placeholder) input.setAttribute('placeholder', f.placeholder);
  if (f.value !== undefined) input.value = f.value;
  return input;
}

function buildField(spec: FormSpec, f: Field): HTMLElement {
  const id = `${spec.id}-${f.id}`;
  const wrap = el('div', { class: `field field-${f.kind ?? 'text'}` });
  const input = fieldInput(spec, f);
  const label = el('label', { for: id }, f.label);
  if (f.help) {
    const hid = `${id}-help`;
    input.setAttribute('aria-describedby', hid);
    wrap.append(label, input, el('small', { id: hid }, f.help));
  } else if (f.kind === 'checkbox') wrap.append(input, label);
  else wrap.append(label, input);
  return wrap;
}

/** Sets a form's fields from name -> value pairs (only fields the form has). */
function fill(form: HTMLFormElement, values: Iterable<[string, string]>): void {
  for (const [k, v] of values) {
    const input = form.elements.namedItem(k);
    if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v === 'on';
    else if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement || input instanceof HTMLSelectElement) input.value = v;
  }
}

/** The "Copy share link" button, what it carries, and where the link went. */
function shareControls(spec: FormSpec, form: HTMLFormElement): HTMLElement[] {
  if (shareableFields(spec.fields).length === 0) return [];
  const noteId = `${spec.id}-share-note`;
  const status = el('span', { class: 'share-status', role: 'status' });
  const btn = el('button', { type: 'button', class: 'share', 'aria-describedby': noteId }, 'Copy share link');
  btn.addEventListener('click', () => {
    const hash = shareHash(`${spec.scheme}-${spec.mode}`, spec.id, spec.fields, valuesOf(form));
    if (hash === null) {
      status.textContent = `Too big to share: a link carries up to ${SHARE_MAX / 1024} KiB.`;
      return;
    }
    history.replaceState(null, '', hash);
    status.textContent = 'The link is in the address bar.';
    void navigator.clipboard?.writeText(location.href).then(
      () => (status.textContent = 'Link copied (and in the address bar).'),
      () => undefined,
    );
  });
  return [btn, status, el('small', { class: 'share-note', id: noteId }, SHARE_NOTE)];
}

function buildForm(spec: FormSpec): HTMLFormElement {
  const form = el('form', { id: spec.id, class: 'tool', 'data-scheme': spec.scheme, 'data-mode': spec.mode, novalidate: '' });
  form.append(el('h2', {}, spec.title));
  for (const f of spec.fields) form.append(buildField(spec, f));
  const buttons = el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, spec.submit));
  if (spec.example) {
    const ex = el('button', { type: 'button', class: 'example' }, 'Load example');
    ex.addEventListener('click', async () => {
      fill(form, Object.entries(await spec.example!()));
      void run(spec, form, false);
    });
    buttons.append(ex);
  }
  buttons.append(...shareControls(spec, form));
  form.append(buttons);
  // Ctrl/Cmd+Enter in a textarea submits too; Enter in a one-line field submits natively.
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('input', () => schedule(spec, form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(spec, form, true);
  });
  return form;
}

/** A form, or a collapsed <details> around it. */
function mount(spec: FormSpec): HTMLElement {
  const form = buildForm(spec);
  if (!spec.collapsed) return form;
  return el('details', { class: 'tool-more', 'data-scheme': spec.scheme, 'data-mode': spec.mode }, el('summary', {}, spec.collapsed), form);
}

function valuesOf(form: HTMLFormElement): Values {
  const v: Values = Object.create(null) as Values;
  for (const e of Array.from(form.elements)) {
    if (e instanceof HTMLInputElement && e.type === 'checkbox') v[e.name] = e.checked ? 'on' : '';
    else if (e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement) v[e.name] = e.value;
  }
  return v;
}

const result = document.getElementById('result')!;
/** The page's one live region (visually hidden): the verdict headline, only when it changes. */
const announcer = document.getElementById('announce')!;

// Every run takes a number; a run that finishes after a newer one started is dropped, so a
// slow analysis of old text never overwrites the verdict for what is in the form now.
let runSeq = 0;
let pending: ReturnType<typeof setTimeout> | undefined;
/** The last token each sign form made, shown (marked stale) while the JSON does not parse. */
const lastToken = new Map<string, string>();

function schedule(spec: FormSpec, form: HTMLFormElement): void {
  clearTimeout(pending);
  pending = setTimeout(() => void run(spec, form, false), LIVE_DELAY_MS);
}

/** Cancels pending and running analyses (the view changed). */
function invalidate(): void {
  clearTimeout(pending);
  runSeq++;
}

/** "1.0 MB", "300 KiB". */
function size(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KiB`;
}

/** Why the values are too big to analyse here, or null. A length check first: UTF-8 is never shorter than UTF-16 units. */
function tooBig(values: Values): string | null {
  let units = 0;
  for (const v of Object.values(values)) units += v.length;
  if (units <= MAX_INPUT_BYTES / 3) return null;
  let bytes = 0;
  const enc = new TextEncoder();
  for (const v of Object.values(values)) bytes += v.length > MAX_INPUT_BYTES ? v.length : enc.encode(v).length;
  if (bytes <= MAX_INPUT_BYTES) return null;
  return `request is ${size(bytes)}; the page analyses up to ${size(MAX_INPUT_BYTES)}; use \`hostsig diagnose\` (no limit) for this one`;
}

/** What a run shows: the nodes, nothing rendered yet (a stale run is dropped whole). */
async function outcome(spec: FormSpec, values: Values): Promise<Node[]> {
  const big = tooBig(values);
  if (big) return [verdictBox('error', big)];
  try {
    const out = await spec.run(values);
    // Any JWT in a pasted request is shown in colour (a Bearer token sent to WHM is a known mistake too).
    if ('verdict' in out) return analysisNodes(out, spec.mode === 'verify' && values.request ? findJwt(values.request) : undefined);
    if ('snippets' in out) {
      if (out.token) lastToken.set(spec.id, out.token);
      return signedNodes(out);
    }
    return [verdictBox('signed', out.title), copyable(out.text, 'pin-record', 'PIN record')];
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const nodes: Node[] = [verdictBox('error', `cannot ${spec.mode === 'sign' ? 'sign' : 'check'}: ${msg}`)];
    const last = lastToken.get(spec.id);
    const stale = last !== undefined && values.mode !== 'basic' ? tokenView(last, true) : null;
    if (stale) nodes.push(stale);
    return nodes;
  }
}

async function run(spec: FormSpec, form: HTMLFormElement, fromButton: boolean): Promise<void> {
  clearTimeout(pending);
  const n = ++runSeq;
  if (!result.firstChild || result.dataset.form !== spec.id) result.replaceChildren(el('p', { class: 'busy' }, 'Working...'));
  result.dataset.state = 'busy';
  result.setAttribute('aria-busy', 'true');
  const nodes = await outcome(spec, valuesOf(form));
  if (n !== runSeq) return;
  result.replaceChildren(...nodes);
  result.dataset.scheme = spec.scheme;
  result.removeAttribute('aria-busy');
  result.dataset.state = 'done';
  result.dataset.form = spec.id;
  result.dataset.run = String(n);
  announce();
  if (fromButton) keepInView();
}

/** Each verdict box's sentence for screen readers: the status word and the headline, e.g. "invalid: the hash does not match". */
const spokenText = new WeakMap<HTMLElement, string>();

/** What a screen reader hears after a run. */
function spoken(): string {
  const verdict = document.getElementById('verdict');
  return verdict ? (spokenText.get(verdict) ?? '') : '';
}

/** Updates the live region only when the headline changed: typing that keeps the verdict says nothing. */
function announce(): void {
  const text = spoken();
  if (announcer.textContent !== text) announcer.textContent = text;
}

/** After Verify / Enter: bring the verdict into view (no animation when the person asked for less motion); focus stays where it is. */
function keepInView(): void {
  const verdict = document.getElementById('verdict');
  if (!verdict) return;
  const still = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  verdict.scrollIntoView({ block: 'nearest', behavior: still ? 'auto' : 'smooth' });
}

function verdictBox(status: string, headline: string, code?: string, fix?: string): HTMLElement {
  // Not a live region itself: #announce speaks the headline (nested live regions re-announce the whole result).
  const box = el('div', { class: `verdict ${status}`, id: 'verdict', 'data-status': status });
  const badge = status === 'signed' ? 'signed' : status === 'valid' ? 'valid' : status === 'invalid' ? 'invalid' : 'note';
  box.className = `verdict ${status === 'signed' ? 'valid' : status}`;
  // The analyses' headlines start with their status ("invalid: the hash ...", "invalid (HTTP 401): ..."):
  // the badge already shows it, so the line reads "INVALID the hash ...", and the full sentence is what is spoken.
  const shown = headline.startsWith(badge) ? headline.slice(badge.length).replace(/^: /, '').trimStart() || headline : headline;
  spokenText.set(box, headline.startsWith(badge) ? headline : `${badge}: ${headline}`);
  box.append(el('p', { class: 'headline' }, el('span', { class: 'badge' }, badge), ' ', shown));
  if (code) box.append(el('p', { class: 'code' }, 'code ', el('code', {}, code)));
  if (fix) box.append(el('p', { class: 'fix' }, el('strong', {}, 'Fix: '), fix));
  return box;
}

function marked(text: string, at: number): HTMLElement {
  const code = el('code', {});
  if (at < 0 || at > text.length) code.append(text);
  else code.append(text.slice(0, at), el('mark', {}, text.slice(at, at + 1) || '∅'), text.slice(at + 1));
  return code;
}

/** A long value cut to its differing region with CONTEXT characters either side (the first differing one marked). */
function excerpt(text: string, start: number | undefined, end: number | undefined): HTMLElement {
  const code = el('code', {});
  if (start === undefined || end === undefined) {
    code.append(text.slice(0, 2 * CONTEXT), text.length > 2 * CONTEXT ? '…' : '');
    return code;
  }
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(text.length, Math.max(start + 1, Math.min(end, start + 2 * CONTEXT)) + CONTEXT);
  code.append(from > 0 ? '…' : '', text.slice(from, start), el('mark', {}, text.slice(start, start + 1) || '∅'), text.slice(start + 1, to), to < text.length ? '…' : '');
  return code;
}

type Compare = Extract<Stage, { kind: 'compare' }>;

function compareNodes(s: Compare): Node[] {
  const label = (t: string) => el('p', { class: 'cmp-label' }, t);
  if (s.expectedMissing === true || s.receivedMissing === true) {
    // The analysis marked a side missing: its placeholder, such as "(no hash)", is shown, never diffed.
    // Only the flags say so: a sent value that merely looks like "(no hash)" is a value and is diffed.
    const [what, side] = s.receivedMissing === true ? [s.received, s.receivedLabel] : [s.expected, s.expectedLabel];
    return [
      label(s.expectedLabel),
      el('pre', { class: 'cmp expected' }, el('code', {}, s.expected)),
      label(s.receivedLabel),
      el('pre', { class: 'cmp received' }, el('code', {}, s.received)),
      el('p', { class: 'cmp-result missing' }, `nothing to compare: ${what.replace(/^\((.*)\)$/, '$1')} (${side})`),
    ];
  }
  const at = firstDifference(s.expected, s.received);
  const verdict = el('p', { class: `cmp-result ${at === -1 ? 'same' : 'differ'}` }, at === -1 ? 'identical' : `first difference at character ${at + 1} (highlighted)`);
  if (s.expected.length <= LONG_VALUE && s.received.length <= LONG_VALUE) {
    return [label(s.expectedLabel), el('pre', { class: 'cmp expected' }, marked(s.expected, at)), label(s.receivedLabel), el('pre', { class: 'cmp received' }, marked(s.received, at)), verdict];
  }
  const r = differingRegion(s.expected, s.received);
  const all = el(
    'details',
    { class: 'cmp-all' },
    el('summary', {}, `Show all (${s.expected.length} and ${s.received.length} characters)`),
    label(s.expectedLabel),
    el('pre', { class: 'cmp expected' }, marked(s.expected, at)),
    label(s.receivedLabel),
    el('pre', { class: 'cmp received' }, marked(s.received, at)),
  );
  return [
    label(s.expectedLabel),
    el('pre', { class: 'cmp expected cmp-excerpt' }, excerpt(s.expected, r?.start, r?.endA)),
    label(s.receivedLabel),
    el('pre', { class: 'cmp received cmp-excerpt' }, excerpt(s.received, r?.start, r?.endB)),
    verdict,
    all,
  ];
}

/** The class that colours a decoded JWT stage like its part of the token. */
function tokenClass(title: string): string {
  if (/^\d+\. header\b/.test(title)) return ' tok-h';
  if (/^\d+\. payload\b/.test(title)) return ' tok-p';
  return '';
}

function renderStage(s: Stage, jwt = false): HTMLElement {
  const card = el('article', { class: `stage stage-${s.kind}${s.kind === 'compare' && s.wide ? ' wide' : ''}${jwt ? tokenClass(s.title) : ''}` }, el('h3', {}, s.title));
  if (s.kind === 'text') card.append(el('pre', {}, el('code', {}, s.text)));
  else if (s.kind === 'table') {
    const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, s.head[0]), el('th', { scope: 'col' }, s.head[1]))));
    const body = el('tbody');
    if (s.rows.length === 0) body.append(el('tr', {}, el('td', { colspan: '2' }, '(none)')));
    for (const [k, v] of s.rows) body.append(el('tr', {}, el('td', {}, el('code', {}, k)), el('td', {}, el('code', {}, v))));
    table.append(body);
    card.append(table);
  } else card.append(...compareNodes(s));
  if (s.note) card.append(el('p', { class: 'note' }, s.note));
  return card;
}

/** The token as jwt.io shows it: header, payload and signature each in their colour, and the decoded parts in the same colours. */
function tokenView(token: string, stale = false): HTMLElement | null {
  const v = jwtView(token);
  if (!v) return null;
  const dot = () => el('span', { class: 'tok-dot' }, '.');
  const encoded = el('code', {}, el('span', { class: 'tok-h' }, v.header), dot(), el('span', { class: 'tok-p' }, v.payload), dot(), el('span', { class: 'tok-s' }, v.signature));
  const part = (cls: string, title: string, body: HTMLElement) => el('article', { class: `stage ${cls}` }, el('h3', {}, title), body);
  return el(
    'section',
    { class: `token-view${stale ? ' stale' : ''}`, id: 'token-view', 'aria-label': 'The token in colour' },
    el('h3', {}, stale ? 'Token: STALE, the last one that signed (fix the JSON above to re-sign)' : 'Token: header . payload . signature'),
    el('pre', { class: 'token', tabindex: '0' }, encoded),
    el(
      'div',
      { class: 'token-decoded' },
      part('tok-h', 'header (decoded)', el('pre', {}, el('code', {}, v.headerJson))),
      part('tok-p', 'payload (decoded)', el('pre', {}, el('code', {}, v.payloadJson))),
      part('tok-s', 'signature', el('p', {}, 'RSASSA-PKCS1-v1_5 SHA-256 over header "." payload, ', el('code', {}, `${v.signature.length}`), ' base64url characters')),
    ),
  );
}

/** The catalogue's findings, as `hostsig diagnose` lists them: id, title, what reproduced it, and the fix of all but the first (the verdict shows that one). */
function findingsList(findings: Finding[]): HTMLElement {
  const items = findings.map((f, i) => {
    const li = el('li', {}, el('code', {}, f.id), `: ${f.title}`);
    if (f.detail) li.append(el('br'), `reproduced by: ${f.detail}`);
    if (i > 0) li.append(el('br'), `fix: ${f.fix}`);
    return li;
  });
  return el('ul', { class: 'mistake' }, ...items);
}

function analysisNodes(a: Analysis, jwt?: string): Node[] {
  const nodes: Node[] = [verdictBox(a.verdict.status, a.verdict.headline, a.verdict.code, a.verdict.fix)];
  if (a.findings.length) nodes.push(el('p', { class: 'mistake' }, 'diagnose: ', el('code', {}, a.findings.map((f) => f.id).join(', '))), findingsList(a.findings));
  else if (a.verdict.mistake) nodes.push(el('p', { class: 'mistake' }, 'diagnose: ', el('code', {}, a.verdict.mistake)));
  if (a.notes.length) nodes.push(el('ul', { class: 'notes' }, ...a.notes.map((n) => el('li', {}, n))));
  const coloured = jwt !== undefined ? tokenView(jwt) : null;
  if (coloured) nodes.push(coloured);
  if (a.stages.length) nodes.push(el('div', { class: 'stages' }, ...a.stages.map((s) => renderStage(s, coloured !== null && a.scheme === 'hostbill'))));
  return nodes;
}

/** A block to copy; its button is named after what it copies ("Copy curl snippet"), starting with its visible text. */
function copyable(text: string, id: string, what: string): HTMLElement {
  const pre = el('pre', { id, tabindex: '0' }, el('code', {}, text));
  const btn = el('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${what}` }, 'Copy');
  btn.addEventListener('click', () => {
    void navigator.clipboard?.writeText(text).then(
      () => (btn.textContent = 'Copied'),
      () => (btn.textContent = 'Select and copy'),
    );
  });
  return el('div', { class: 'copyable' }, btn, pre);
}

function signedNodes(s: Signed): Node[] {
  const nodes: Node[] = [verdictBox('signed', `${SCHEME_LABELS[s.scheme]} request below, as an HTTP request and as curl, PHP and JavaScript`)];
  const coloured = s.token !== undefined ? tokenView(s.token) : null;
  if (coloured) nodes.push(coloured);
  nodes.push(el('div', { class: 'stages' }, ...s.stages.map((st) => renderStage(st))));
  const snippets = el('div', { class: 'snippets' });
  for (const [k, title, what] of [
    ['curl', 'curl', 'curl snippet'],
    ['php', 'PHP (ext-curl)', 'PHP snippet'],
    ['js', 'JavaScript (fetch)', 'JavaScript snippet'],
  ] as const) {
    snippets.append(el('article', { class: 'stage' }, el('h3', {}, title), copyable(s.snippets[k], `snippet-${k}`, what)));
  }
  nodes.push(snippets);
  return nodes;
}

// ---------------------------------------------------------------------------------------------

const formsRoot = document.getElementById('forms')!;
const schemeChoices = document.getElementById('scheme-choices')!;
for (const [id, label] of Object.entries(SCHEME_LABELS)) {
  schemeChoices.append(el('label', {}, el('input', { type: 'radio', name: 'scheme', value: id, ...(id === 'hostdime' ? { checked: '' } : {}) }), ` ${label}`));
}
for (const spec of FORMS) formsRoot.append(mount(spec));

const controls = document.getElementById('controls') as HTMLFormElement;
const currentView = () => `${(controls.elements.namedItem('scheme') as RadioNodeList).value}-${(controls.elements.namedItem('mode') as RadioNodeList).value}`;

function show(): void {
  const scheme = (controls.elements.namedItem('scheme') as RadioNodeList).value;
  const mode = (controls.elements.namedItem('mode') as RadioNodeList).value;
  for (const f of Array.from(formsRoot.children) as HTMLElement[]) f.hidden = !(f.dataset.scheme === scheme && f.dataset.mode === mode);
  document.body.dataset.scheme = scheme;
  document.body.dataset.mode = mode;
  // A share link for this view keeps its payload in the address bar; anything else becomes #scheme-mode.
  if (parseHash(location.hash)?.view !== `${scheme}-${mode}`) history.replaceState(null, '', `#${scheme}-${mode}`);
}

function clearResult(): void {
  invalidate();
  result.replaceChildren();
  // A new view starts silent, so its first verdict is spoken even if the text is the same as before.
  announcer.textContent = '';
  delete result.dataset.state;
  delete result.dataset.form;
}

controls.addEventListener('change', () => {
  show();
  clearResult();
});
controls.addEventListener('submit', (e) => e.preventDefault());

/** `#scheme-mode` selects the form; `&r=` fills its shareable fields and runs it. Unknown hashes change nothing. */
function applyHash(): void {
  const h = parseHash(location.hash);
  if (!h) return;
  const [scheme = '', mode = ''] = h.view.split('-');
  if (!Object.hasOwn(SCHEME_LABELS, scheme)) return;
  if (h.view !== currentView()) {
    (controls.querySelector(`input[name=scheme][value=${scheme}]`) as HTMLInputElement).checked = true;
    (controls.querySelector(`input[name=mode][value=${mode}]`) as HTMLInputElement).checked = true;
    clearResult();
  }
  show();
  const spec = h.shared && FORMS.find((f) => f.id === h.shared!.form && `${f.scheme}-${f.mode}` === h.view);
  if (!spec || !h.shared) return;
  const form = document.getElementById(spec.id) as HTMLFormElement;
  const allowed = new Set(shareableFields(spec.fields).map((f) => f.id));
  fill(form, Array.from(h.shared.values).filter(([k]) => allowed.has(k)));
  const details = form.closest('details');
  if (details) details.open = true;
  void run(spec, form, false);
}

window.addEventListener('hashchange', applyHash);
applyHash();
show();
document.body.dataset.ready = 'true';
