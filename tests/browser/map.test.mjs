// 网格地图 as its users meet it: a grid worker's map shows their one grid once
// (not a second copy on top that takes the clicks), and colouring a
// community's grids by households asks the server once for every count and
// draws the legend from all of them — never from the first few to arrive.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, createSubtree, apiCall, submitLogin } from './helpers.mjs'

const square = (lng, lat, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
})
const HOUSEHOLDS = [0, 2, 5, 9] // per grid, in the order they are created

let browser, page, tree, grids, worker
const seq = Math.floor(Math.random() * 900) + 50
const WORKER_PASSWORD = 'Gw-Strong-pass-2026'

async function ok(r, status = 201) {
  assert.equal(r.status, status, JSON.stringify(r.body))
  return r.body
}

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await page.context().addInitScript(() => localStorage.setItem('gg.mapTiles', '0'))
  await loginAsAdmin(page)
  tree = await createSubtree(page, { deep: true, label: 'M' })
  const c = tree.community
  grids = []
  for (const [i, n] of HOUSEHOLDS.entries()) {
    const g = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}第${i + 1}网格`, geometry: square(114.9 + i * 0.01, 30.2) }))
    grids.push(g)
    if (!n) continue
    const b = await ok(await apiCall(page, 'POST', '/api/v1/buildings', { grid_id: g.id, name: `户数楼${tree.tag}-${i}` }))
    for (let k = 0; k < n; k++) {
      const h = await ok(await apiCall(page, 'POST', `/api/v1/buildings/${b.id}/houses`, { room: `${k + 101}` }))
      await ok(await apiCall(page, 'POST', '/api/v1/households', { house_id: h.id }))
    }
  }
  worker = await ok(await apiCall(page, 'POST', '/api/v1/accounts', {
    username: `mapgw_${tree.tag}_${seq}`, display_name: `地图网格员${tree.tag}`, password: 'Temp-pass-2026x', home_unit_id: grids[1].id, role: 'grid_worker',
  }))
  await ok(await apiCall(page, 'POST', `/api/v1/grids/${grids[1].id}/assignments`, { duty: 'grid_worker', account_id: worker.id }))
})
after(async () => {
  if (browser) await browser.close()
})

test("a grid worker's map shows their grid once, and a click on it opens it", { skip }, async () => {
  const p = await newPage(browser)
  try {
    await p.context().addInitScript(() => localStorage.setItem('gg.mapTiles', '0'))
    await p.goto('/login')
    await submitLogin(p, worker.username, 'Temp-pass-2026x')
    await p.waitForURL((u) => u.pathname === '/password')
    await p.getByLabel('当前密码').fill('Temp-pass-2026x')
    await p.getByLabel('新密码', { exact: true }).fill(WORKER_PASSWORD)
    await p.getByLabel('确认新密码').fill(WORKER_PASSWORD)
    await p.getByRole('button', { name: '保存新密码' }).click()
    await p.waitForURL((u) => u.pathname === '/')
    await p.goto('/map')
    // The map starts at the worker's grant: their grid.
    await p.waitForURL((u) => u.searchParams.get('unit') === String(grids[1].id))
    const map = p.getByTestId('grid-map')
    await map.locator(`path.gg-grid-${grids[1].id}`).first().waitFor()
    await p.getByTestId('map-loading').waitFor({ state: 'detached' })
    assert.equal(await p.getByTestId('map-grid-count').textContent(), '共 1 个网格')
    assert.equal(await map.locator('path.gg-grid').count(), 1)
    assert.equal(await map.locator('.gg-grid-label').count(), 1)
    await map.locator(`path.gg-grid-${grids[1].id}`).click()
    await p.waitForURL((u) => u.pathname === `/grids/${grids[1].id}`)
    assert.deepEqual(await problems(p), [])
  } finally {
    await p.context().close()
  }
})

test('colouring by households asks once for every count; the legend is drawn from all of them', { skip }, async (t) => {
  const requests = []
  const onRequest = (r) => {
    const u = new URL(r.url())
    if (u.pathname.startsWith('/api/v1/grids')) requests.push(u.pathname)
  }
  await page.goto(`/map?unit=${tree.community.id}`)
  const map = page.getByTestId('grid-map')
  for (const g of grids) await map.locator(`path.gg-grid-${g.id}`).waitFor()
  await page.getByTestId('map-loading').waitFor({ state: 'detached' })
  // Every text the legend shows from now on, to catch one drawn from part of the counts.
  await page.evaluate(() => {
    window.__legend = []
    const legend = document.querySelector('[data-testid="map-legend"]')
    const note = () => window.__legend.push(legend.textContent)
    new MutationObserver(note).observe(legend, { subtree: true, childList: true, characterData: true })
  })
  page.on('request', onRequest)
  const started = Date.now()
  await page.getByTestId('map-colour').getByText('户数').click()
  const legend = page.getByTestId('map-legend')
  await legend.getByText('6 – 9').waitFor()
  const took = Date.now() - started
  page.off('request', onRequest)

  const rows = await legend.locator('.row').allTextContents()
  assert.deepEqual(rows.map((s) => s.trim()), ['≤ 0', '1 – 2', '3 – 5', '6 – 9', '未知'])
  assert.deepEqual(requests, ['/api/v1/grids/households'], 'one request for the counts, none per grid')
  const seen = await page.evaluate(() => window.__legend)
  const withNumbers = [...new Set(seen.filter((s) => /\d/.test(s)))]
  assert.deepEqual(withNumbers, [await legend.textContent()], 'the legend never showed classes from part of the counts')
  // Each grid filled by its class, darkest for the most households.
  const fills = []
  for (const g of grids) fills.push(await map.locator(`path.gg-grid-${g.id}`).getAttribute('fill'))
  assert.deepEqual(fills, ['#90caf9', '#42a5f5', '#1e88e5', '#0d47a1'])
  t.diagnostic(`households colouring: ${requests.length} request(s), ${took} ms`)
  assert.deepEqual(await problems(page), [])
})
