/**
 * The debugger page: builds the forms from a small spec, runs the analyses and signers on
 * submit, renders the verdict and the stages. No framework; user text only ever reaches the
 * DOM through textContent.
 */
import { importPrivateKey, exportSpkiPem } from '../../rsa/index.js';
import { signJwt } from '../../jwt/index.js';
import { analyzeHostBill, analyzeHostDime, analyzeHostKey, analyzeHostKeyPin, analyzeSixConnect, analyzeWhm } from '../analyze/index.js';
import { type Analysis, type Finding, firstDifference, SCHEME_LABELS, type SchemeId, type Stage } from '../model.js';
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
}

interface FormSpec {
  id: string;
  scheme: SchemeId;
  mode: Mode;
  title: string;
  fields: Field[];
  submit: string;
  example?: () => Values | Promise<Values>;
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

const FORMS: FormSpec[] = [
  {
    id: 'hostdime-verify',
    scheme: 'hostdime',
    mode: 'verify',
    title: 'Check a HostDime request',
    fields: [
      { id: 'request', label: 'Request (raw HTTP, or the form body)', kind: 'textarea', rows: 7, placeholder: 'POST /v1/domain/list.json HTTP/1.1 ... or status=...&api_key=...&api_hash=...' },
      { id: 'method', label: 'Method or path (when the paste has no path)', placeholder: 'domain.list or /v1/domain/list.json' },
      { id: 'privateKey', label: 'Private key', help: KEY_HELP },
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
      { id: 'secretKey', label: 'Secret key', help: KEY_HELP },
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
      { id: 'record', label: 'Token, or the stored token record (JSON)', kind: 'textarea', rows: 3, placeholder: 'U7HM... or {"name":"deploy","digest":"...","expiresAt":0,"whitelistIps":["10.0.0.0/8"]}', help: KEY_HELP },
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
      { id: 'session', label: 'Issued token, or the session record (JSON)', kind: 'textarea', rows: 2, placeholder: '32 hex characters, or {"digest":"...","expiresAt":...,"ip":null}', help: KEY_HELP },
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
      { id: 'pin', label: 'PIN' },
      { id: 'record', label: 'PIN record (JSON: alg, N, r, p, dkLen, salt, hash)', kind: 'textarea', rows: 3, help: 'Make one in Sign mode.' },
    ],
    submit: 'Check PIN',
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
      { id: 'publicKey', label: 'Public key for Bearer (PEM, JWK or ssh-rsa)', kind: 'textarea', rows: 4, placeholder: '-----BEGIN PUBLIC KEY-----' },
      { id: 'email', label: 'E-mail, for Basic' },
      { id: 'password', label: 'Password, for Basic', help: KEY_HELP },
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
      { id: 'publicKey', label: 'Public key (api_key)' },
      { id: 'privateKey', label: 'Private key', help: KEY_HELP },
      { id: 'dialect', label: 'Dialect', kind: 'select', options: [['php', 'php: json_encode twice (the server\'s)'], ['js', 'js: JSON.stringify twice (the Node client\'s)']] },
      { id: 'timestamp', label: 'api_timestamp (empty: now)' },
      { id: 'unique', label: 'api_unique (empty: a random UUID)' },
    ],
    submit: 'Sign',
    example: () => ({ method: 'domain.list', params: 'status=registered\norder=desc', publicKey: 'pub', privateKey: 'fazbaz', dialect: 'php', timestamp: '1369758680', unique: 'ABCDEF' }),
    run: async (v) => signHostDimeForm({ method: v.method ?? '', params: v.params ?? '', publicKey: v.publicKey ?? '', privateKey: v.privateKey ?? '', dialect: v.dialect === 'js' ? 'js' : 'php', timestamp: v.timestamp ?? '', unique: v.unique ?? '' }),
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
      { id: 'apiKey', label: 'apiKey' },
      { id: 'secretKey', label: 'Secret key', help: KEY_HELP },
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
      { id: 'token', label: 'API token', help: KEY_HELP },
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
      { id: 'token', label: 'Session token', help: KEY_HELP },
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
    fields: [{ id: 'pin', label: 'PIN (4 to 16 digits)' }],
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
      { id: 'privateKey', label: 'Private key for JWT (PEM or JWK)', kind: 'textarea', rows: 4, help: KEY_HELP },
      { id: 'claims', label: 'Claims (JSON)', kind: 'textarea', rows: 3, placeholder: '{"sub":"client-42"}' },
      { id: 'expiresIn', label: 'Lifetime (seconds or 15m, 1h)', placeholder: '1h' },
      { id: 'email', label: 'E-mail, for Basic' },
      { id: 'password', label: 'Password, for Basic' },
    ],
    submit: 'Sign',
    example: () => ({ mode: 'jwt', url: 'https://billing.example.com/api/details', privateKey: __EXAMPLE_RSA_PEM__, claims: '{"sub":"client-42"}', expiresIn: '1h', email: '', password: '' }),
    run: async (v) => signHostBillForm({ mode: v.mode === 'basic' ? 'basic' : 'jwt', url: v.url ?? '', privateKey: v.privateKey ?? '', claims: v.claims ?? '', expiresIn: v.expiresIn ?? '', email: v.email ?? '', password: v.password ?? '' }),
  },
];

// ---------------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function buildForm(spec: FormSpec): HTMLFormElement {
  const form = el('form', { id: spec.id, class: 'tool', 'data-scheme': spec.scheme, 'data-mode': spec.mode, novalidate: '' });
  form.append(el('h2', {}, spec.title));
  for (const f of spec.fields) {
    const id = `${spec.id}-${f.id}`;
    const wrap = el('div', { class: `field field-${f.kind ?? 'text'}` });
    let input: HTMLElement;
    if (f.kind === 'textarea') input = el('textarea', { id, name: f.id, rows: String(f.rows ?? 3), spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off' });
    else if (f.kind === 'select') {
      const s = el('select', { id, name: f.id });
      for (const [value, text] of f.options ?? []) s.append(el('option', { value }, text));
      input = s;
    } else if (f.kind === 'checkbox') input = el('input', { id, name: f.id, type: 'checkbox' });
    else input = el('input', { id, name: f.id, type: 'text', spellcheck: 'false', autocomplete: 'off', autocapitalize: 'off' });
    if (f.placeholder) input.setAttribute('placeholder', f.placeholder);
    const label = el('label', { for: id }, f.label);
    if (f.help) {
      const hid = `${id}-help`;
      input.setAttribute('aria-describedby', hid);
      wrap.append(label, input, el('small', { id: hid }, f.help));
    } else if (f.kind === 'checkbox') wrap.append(input, label);
    else wrap.append(label, input);
    form.append(wrap);
  }
  const buttons = el('div', { class: 'buttons' }, el('button', { type: 'submit', class: 'primary' }, spec.submit));
  if (spec.example) {
    const ex = el('button', { type: 'button', class: 'example' }, 'Load example');
    ex.addEventListener('click', async () => {
      for (const [k, v] of Object.entries(await spec.example!())) {
        const input = form.elements.namedItem(k);
        if (input instanceof HTMLInputElement && input.type === 'checkbox') input.checked = v === 'on';
        else if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement || input instanceof HTMLSelectElement) input.value = v;
      }
    });
    buttons.append(ex);
  }
  form.append(buttons);
  // Ctrl/Cmd+Enter in a textarea submits too; Enter in a one-line field submits natively.
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(spec, form);
  });
  return form;
}

function valuesOf(form: HTMLFormElement): Values {
  const v: Values = {};
  for (const e of Array.from(form.elements)) {
    if (e instanceof HTMLInputElement && e.type === 'checkbox') v[e.name] = e.checked ? 'on' : '';
    else if (e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement) v[e.name] = e.value;
  }
  return v;
}

const result = document.getElementById('result')!;

async function run(spec: FormSpec, form: HTMLFormElement): Promise<void> {
  result.replaceChildren(el('p', { class: 'busy' }, 'Working...'));
  result.dataset.state = 'busy';
  try {
    const out = await spec.run(valuesOf(form));
    if ('verdict' in out) renderAnalysis(out);
    else if ('snippets' in out) renderSigned(out);
    else result.replaceChildren(verdictBox('signed', out.title), copyable(out.text, 'pin-record'));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    result.replaceChildren(verdictBox('error', `cannot ${spec.mode === 'sign' ? 'sign' : 'check'}: ${msg}`));
  }
  result.dataset.state = 'done';
  result.dataset.form = spec.id;
}

function verdictBox(status: string, headline: string, code?: string, fix?: string): HTMLElement {
  const box = el('div', { class: `verdict ${status}`, id: 'verdict', role: 'status', 'data-status': status });
  const badge = status === 'signed' ? 'signed' : status === 'valid' ? 'valid' : status === 'invalid' ? 'invalid' : 'note';
  box.className = `verdict ${status === 'signed' ? 'valid' : status}`;
  box.append(el('p', { class: 'headline' }, el('span', { class: 'badge' }, badge), ' ', headline));
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

function renderStage(s: Stage): HTMLElement {
  const card = el('article', { class: `stage stage-${s.kind}${s.kind === 'compare' && s.wide ? ' wide' : ''}` }, el('h3', {}, s.title));
  if (s.kind === 'text') card.append(el('pre', {}, el('code', {}, s.text)));
  else if (s.kind === 'table') {
    const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, s.head[0]), el('th', { scope: 'col' }, s.head[1]))));
    const body = el('tbody');
    if (s.rows.length === 0) body.append(el('tr', {}, el('td', { colspan: '2' }, '(none)')));
    for (const [k, v] of s.rows) body.append(el('tr', {}, el('td', {}, el('code', {}, k)), el('td', {}, el('code', {}, v))));
    table.append(body);
    card.append(table);
  } else {
    const at = firstDifference(s.expected, s.received);
    card.append(
      el('p', { class: 'cmp-label' }, s.expectedLabel),
      el('pre', { class: 'cmp expected' }, marked(s.expected, at)),
      el('p', { class: 'cmp-label' }, s.receivedLabel),
      el('pre', { class: 'cmp received' }, marked(s.received, at)),
      el('p', { class: `cmp-result ${at === -1 ? 'same' : 'differ'}` }, at === -1 ? 'identical' : `first difference at character ${at + 1} (highlighted)`),
    );
  }
  if (s.note) card.append(el('p', { class: 'note' }, s.note));
  return card;
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

function renderAnalysis(a: Analysis): void {
  const nodes: Node[] = [verdictBox(a.verdict.status, a.verdict.headline, a.verdict.code, a.verdict.fix)];
  if (a.findings.length) nodes.push(el('p', { class: 'mistake' }, 'diagnose: ', el('code', {}, a.findings.map((f) => f.id).join(', '))), findingsList(a.findings));
  else if (a.verdict.mistake) nodes.push(el('p', { class: 'mistake' }, 'diagnose: ', el('code', {}, a.verdict.mistake)));
  if (a.notes.length) nodes.push(el('ul', { class: 'notes' }, ...a.notes.map((n) => el('li', {}, n))));
  if (a.stages.length) nodes.push(el('div', { class: 'stages' }, ...a.stages.map(renderStage)));
  result.replaceChildren(...nodes);
  result.dataset.scheme = a.scheme;
}

function copyable(text: string, id: string): HTMLElement {
  const pre = el('pre', { id, tabindex: '0' }, el('code', {}, text));
  const btn = el('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${id}` }, 'Copy');
  btn.addEventListener('click', () => {
    void navigator.clipboard?.writeText(text).then(
      () => (btn.textContent = 'Copied'),
      () => (btn.textContent = 'Select and copy'),
    );
  });
  return el('div', { class: 'copyable' }, btn, pre);
}

function renderSigned(s: Signed): void {
  const nodes: Node[] = [verdictBox('signed', `${SCHEME_LABELS[s.scheme]} request below, as an HTTP request and as curl, PHP and JavaScript`)];
  nodes.push(el('div', { class: 'stages' }, ...s.stages.map(renderStage)));
  const snippets = el('div', { class: 'snippets' });
  for (const [k, title] of [
    ['curl', 'curl'],
    ['php', 'PHP (ext-curl)'],
    ['js', 'JavaScript (fetch)'],
  ] as const) {
    snippets.append(el('article', { class: 'stage' }, el('h3', {}, title), copyable(s.snippets[k], `snippet-${k}`)));
  }
  nodes.push(snippets);
  result.replaceChildren(...nodes);
  result.dataset.scheme = s.scheme;
}

// ---------------------------------------------------------------------------------------------

const formsRoot = document.getElementById('forms')!;
const schemeChoices = document.getElementById('scheme-choices')!;
for (const [id, label] of Object.entries(SCHEME_LABELS)) {
  schemeChoices.append(el('label', {}, el('input', { type: 'radio', name: 'scheme', value: id, ...(id === 'hostdime' ? { checked: '' } : {}) }), ` ${label}`));
}
for (const spec of FORMS) formsRoot.append(buildForm(spec));

const controls = document.getElementById('controls') as HTMLFormElement;
function show(): void {
  const scheme = (controls.elements.namedItem('scheme') as RadioNodeList).value;
  const mode = (controls.elements.namedItem('mode') as RadioNodeList).value;
  for (const f of Array.from(formsRoot.querySelectorAll<HTMLFormElement>('form.tool'))) f.hidden = !(f.dataset.scheme === scheme && f.dataset.mode === mode);
  document.body.dataset.scheme = scheme;
  document.body.dataset.mode = mode;
  if (location.hash !== `#${scheme}-${mode}`) history.replaceState(null, '', `#${scheme}-${mode}`);
}
controls.addEventListener('change', () => {
  show();
  result.replaceChildren();
  delete result.dataset.state;
});
controls.addEventListener('submit', (e) => e.preventDefault());
const m = /^#(\w+)-(verify|sign)$/.exec(location.hash);
if (m && m[1]! in SCHEME_LABELS) {
  (controls.querySelector(`input[name=scheme][value=${m[1]}]`) as HTMLInputElement).checked = true;
  (controls.querySelector(`input[name=mode][value=${m[2]}]`) as HTMLInputElement).checked = true;
}
show();
document.body.dataset.ready = 'true';
