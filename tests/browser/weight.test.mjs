// How much JavaScript and CSS the first page costs a grid worker's phone: the
// login page, and the home page opened by someone already logged in, each in
// a fresh browser (empty cache).  Counted from what the browser itself says it
// received (PerformanceResourceTiming.encodedBodySize: the body bytes on the
// wire, compressed when the server compressed them), and printed in the TAP
// output.  Limit: 300 kB compressed for each page.
//
// A server that answers without Content-Encoding (identity) sends the files as
// they are; then the figure held to the limit is what the same bytes weigh
// under gzip -9 — what any compressing server or proxy in front of it sends —
// and both figures are printed, so the test measures the app's weight either
// way and never passes on bytes it did not see.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import zlib from 'node:zlib'
import { launch, newPage, problems, submitLogin, skip, ADMIN_USER, ADMIN_PASSWORD } from './helpers.mjs'

const LIMIT = 300 * 1024

let browser
before(async () => {
  if (!skip) browser = await launch()
})
after(async () => {
  if (browser) await browser.close()
})

/** Records the body and Content-Encoding of every JS and CSS response of the page. */
function recordScriptsAndStyles(page) {
  const seen = new Map() // url → {encoding, body: Promise<Buffer>}
  page.on('response', (res) => {
    const url = new URL(res.url())
    if (!/\.(js|css)$/.test(url.pathname)) return
    seen.set(url.pathname, { encoding: res.headers()['content-encoding'] || 'identity', body: res.body().catch(() => null) })
  })
  return seen
}

/** Waits for the page to go quiet, then sums what the browser says it received for JS and CSS. */
async function weigh(page, seen) {
  await page.waitForLoadState('networkidle')
  const entries = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname))
      .map((e) => ({ path: new URL(e.name).pathname, encoded: e.encodedBodySize, decoded: e.decodedBodySize })),
  )
  assert.ok(entries.length >= 2, `expected the app's scripts and styles among ${JSON.stringify(entries)}`)
  let received = 0
  let decoded = 0
  let gzipped = 0
  let identity = true
  for (const e of entries) {
    received += e.encoded
    decoded += e.decoded
    const r = seen.get(e.path)
    assert.ok(r, `no response recorded for ${e.path}`)
    if (r.encoding !== 'identity') identity = false
    const body = await r.body
    assert.ok(body, `could not read ${e.path}`)
    gzipped += zlib.gzipSync(body, { level: 9 }).length
  }
  return { files: entries.length, received, decoded, gzipped, identity, paths: entries.map((e) => e.path) }
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`

function report(t, name, w) {
  t.diagnostic(
    `${name}: ${w.files} JS/CSS files, received ${kb(w.received)} (${w.identity ? 'identity' : 'compressed'}), ` +
      `${kb(w.decoded)} uncompressed, ${kb(w.gzipped)} under gzip -9`,
  )
  const held = w.identity ? w.gzipped : w.received
  assert.ok(held <= LIMIT, `${name} costs ${kb(held)} of JS+CSS, over the ${kb(LIMIT)} limit: ${w.paths.join(' ')}`)
}

test('the login page loads at most 300 kB of compressed JavaScript and CSS', { skip }, async (t) => {
  const page = await newPage(browser)
  const seen = recordScriptsAndStyles(page)
  await page.goto('/login')
  await page.getByRole('button', { name: '登录' }).waitFor()
  const w = await weigh(page, seen)
  report(t, 'login page', w)
  // Charts and maps are for the pages that draw them.
  assert.deepEqual(
    w.paths.filter((p) => /echarts|leaflet/.test(p)),
    [],
  )
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('the home page, opened logged in, loads at most 300 kB of compressed JavaScript and CSS', { skip }, async (t) => {
  const login = await newPage(browser)
  await login.goto('/login')
  await submitLogin(login, ADMIN_USER, ADMIN_PASSWORD)
  await login.getByTestId('greeting').waitFor()
  const state = await login.context().storageState()
  await login.context().close()

  // A new browser context: the session cookie, an empty cache.
  const page = await newPage(browser, { viewport: { width: 1280, height: 800 }, storageState: state })
  const seen = recordScriptsAndStyles(page)
  await page.goto('/')
  await page.getByTestId('greeting').waitFor()
  await page.getByTestId('grants').waitFor()
  const w = await weigh(page, seen)
  report(t, 'home page', w)
  assert.deepEqual(
    w.paths.filter((p) => /echarts|leaflet/.test(p)),
    [],
  )
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
