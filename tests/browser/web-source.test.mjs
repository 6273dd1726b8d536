// Checks on the web app's source that no browser can make, because a
// production build hides the mistake: an <el-…> tag whose component was not
// registered renders as nothing (Vue's warning is stripped), and a missing
// translation key shows the key itself.  No server needed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import fs from 'node:fs'

const here = path.dirname(fileURLToPath(import.meta.url))
const SRC = path.join(here, '..', '..', 'web', 'src')

function sources(dir = SRC) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return /\.(vue|js)$/.test(e.name) ? [{ file: path.relative(SRC, p), text: fs.readFileSync(p, 'utf8') }] : []
  })
}

const kebab = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

test('every <el-…> tag in web/src is an Element Plus component with its own stylesheet', () => {
  // unplugin-vue-components (vite.config.js) turns <el-form-item> into an import of
  // ElFormItem and of element-plus/es/components/form-item/style/css; a misspelt
  // tag resolves to nothing and renders as an empty spot in a production build.
  const components = path.join(here, '..', '..', 'web', 'node_modules', 'element-plus', 'es', 'components')
  const missing = []
  for (const { file, text } of sources())
    for (const m of text.matchAll(/<el-([a-z-]+)/g))
      if (!fs.existsSync(path.join(components, m[1], 'style', 'css.mjs'))) missing.push(`${file}: <el-${m[1]}>`)
  assert.deepEqual(missing, [])
})

test('Element Plus services are imported from web/src/elementPlus.js, which brings their styles', () => {
  // A call such as ElMessage.success() is invisible to the component resolver:
  // imported straight from 'element-plus' it would show unstyled.
  const direct = sources()
    .filter(({ file }) => file !== 'elementPlus.js')
    .filter(({ text }) => /import\s*\{[^}]*\bEl(Message|MessageBox|Notification|Loading)\b[^}]*\}\s*from\s*'element-plus'/.test(text))
    .map(({ file }) => file)
  assert.deepEqual(direct, [])
})

test('zh-CN and en have the same keys, and every key the code names exists', async () => {
  const zh = (await import(path.join(SRC, 'locales', 'zh-CN.js'))).default
  const en = (await import(path.join(SRC, 'locales', 'en.js'))).default
  const keys = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${p}${k}.`) : [`${p}${k}`]))
  const zk = new Set(keys(zh))
  const ek = new Set(keys(en))
  assert.deepEqual([...zk].filter((k) => !ek.has(k)), [], 'keys missing in en.js')
  assert.deepEqual([...ek].filter((k) => !zk.has(k)), [], 'keys missing in zh-CN.js')
  // Literal keys only: t('accounts.username'), meta: { title: 'nav.units' }, label: 'nav.home'.
  const missing = []
  for (const { file, text } of sources())
    for (const m of text.matchAll(/\b(?:t|te)\(\s*'([a-zA-Z_][\w.-]*)'|\b(?:title|label): '([a-z]+\.[\w.]+)'/g)) {
      const k = m[1] || m[2]
      if (!zk.has(k) && ![...zk].some((z) => z.startsWith(`${k}.`))) missing.push(`${file}: ${k}`)
    }
  assert.deepEqual(missing, [])
})

test('every audit action the server writes has a label in both languages', async () => {
  // The server's action codes are string literals in src/domain (docs/api.md "Audit log");
  // an unlabelled one shows as a raw code in the audit page.
  const dom = path.join(here, '..', '..', 'src', 'domain')
  const codes = new Set()
  // the area folders too (src/domain/tree, people, identity …)
  for (const f of fs.readdirSync(dom, { recursive: true }).filter((n) => n.endsWith('.c'))) {
    const text = fs.readFileSync(path.join(dom, f), 'utf8')
    // .action = "x.y", or a call to audit() or any *_audit() helper (departure_audit(…, "resident.depart", …)).
    for (const m of text.matchAll(/(?:\.action = |\b\w*audit\([^"]*)"([a-z_]+(?:\.[a-z_]+)+)"/g)) codes.add(m[1])
  }
  assert.ok(codes.size > 20, `found only ${codes.size} action codes; did the pattern break?`)
  // auditActions.js imports i18n.js, which needs a document: read its ACTIONS list as text.
  const listed = fs.readFileSync(path.join(SRC, 'auditActions.js'), 'utf8').match(/ACTIONS = \[([^\]]*)\]/)[1]
  const ACTIONS = [...listed.matchAll(/'([^']+)'/g)].map((m) => m[1])
  const zh = (await import(path.join(SRC, 'locales', 'zh-CN.js'))).default
  const en = (await import(path.join(SRC, 'locales', 'en.js'))).default
  const unlabelled = [...codes].filter((c) => {
    const k = c.replace(/\./g, '_')
    return !zh.audit.actions[k] || !en.audit.actions[k] || !ACTIONS.includes(c)
  })
  assert.deepEqual(unlabelled, [], 'add them to web/src/auditActions.js and audit.actions in both locales')
})

test('no v-html or HTML strings in the source (DESIGN §6.7)', () => {
  const bad = []
  for (const { file, text } of sources()) {
    if (/\bv-html\b|innerHTML|dangerouslyUseHTMLString/.test(text)) bad.push(file)
  }
  assert.deepEqual(bad, [])
})
