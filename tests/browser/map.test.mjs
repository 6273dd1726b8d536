// 网格地图 as its users meet it, on a server with no tile source (the default:
// no internet here): every map view loads without one failed request and
// draws the borders of the units around as its base map, with their names; a
// grid worker's map shows their one grid once (not a second copy on top that
// takes the clicks); colouring a community's grids by households asks the
// server once for every count and draws the legend from all of them — never
// from the first few to arrive.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, createSubtree, apiCall, submitLogin, screenshot, ADMIN_USER, ADMIN_PASSWORD, ok } from './helpers.mjs'

const rect = (x0, y0, x1, y1) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] })
const square = (lng, lat, d = 0.01) => rect(lng, lat, lng + d, lat + d)
// A corner of its own (grids may overlap no other active grid, other test files' included).
const X = 112 + Math.round(Math.random() * 4000) / 1000
const Y = 28 + Math.round(Math.random() * 1000) / 1000
const HOUSEHOLDS = [0, 2, 5, 9] // per grid, in the order they are created

let browser, page, tree, grids, worker, neighbour
const seq = Math.floor(Math.random() * 900) + 50
const WORKER_PASSWORD = 'Gw-Strong-pass-2026'


before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await page.context().addInitScript(() => localStorage.setItem('gg.mapTiles', '0'))
  await loginAsAdmin(page)
  tree = await createSubtree(page, { deep: true, label: 'M' })
  const c = tree.community
  // The street, the community and its neighbour have borders: the base map of a map without tiles.
  const border = (id, g) => apiCall(page, 'PUT', `/api/v1/units/${id}/geometry`, { geometry: g }).then((r) => ok(r, 200))
  await border(tree.street.id, rect(X - 0.02, Y - 0.02, X + 0.11, Y + 0.03))
  await border(c.id, rect(X - 0.01, Y - 0.01, X + 0.05, Y + 0.02))
  neighbour = await ok(await apiCall(page, 'POST', '/api/v1/units', { parent_id: tree.street.id, level: 'community', code: tree.street.code.slice(0, 9) + '002', name: `邻居社区${tree.tag}` }))
  await border(neighbour.id, rect(X + 0.05, Y - 0.01, X + 0.1, Y + 0.02))
  grids = []
  for (const [i, n] of HOUSEHOLDS.entries()) {
    const g = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}第${i + 1}网格`, geometry: square(X + i * 0.01, Y) }))
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

  const rows = await legend.locator('.row:not([data-testid])').allTextContents()
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

/** Every request of the page that failed or answered 4xx/5xx, and every image asked of another host.  The
 * live stream (/api/v1/stream, the header's bell) is open for as long as the page is: the next page load
 * cuts it off by design, so its ERR_ABORTED is not a failure; any other failure of it still is. */
function watchRequests(p) {
  const bad = []
  const cutOffStream = (r) => new URL(r.url()).pathname === '/api/v1/stream' && r.failure() && r.failure().errorText === 'net::ERR_ABORTED'
  p.on('requestfailed', (r) => !cutOffStream(r) && bad.push(`failed ${r.url()} ${r.failure() && r.failure().errorText}`))
  p.on('response', (r) => r.status() >= 400 && bad.push(`${r.status()} ${r.url()}`))
  p.on('request', (r) => new URL(r.url()).origin !== new URL(p.url() || r.url()).origin && bad.push(`foreign ${r.url()}`))
  return bad
}

test('without a tile source every map view loads with no failed request and draws the borders around as its base', { skip }, async (t) => {
  const p = await newPage(browser)
  try {
    // No gg.mapTiles switch here: what a new user gets from the server's default.
    await p.goto('/login')
    await submitLogin(p, ADMIN_USER, ADMIN_PASSWORD)
    await p.getByTestId('greeting').waitFor()
    await p.waitForLoadState('networkidle')
    const bad = watchRequests(p)

    // 网格地图 of the community: the street around it, the neighbour named, the grids on top.
    const started = Date.now()
    await p.goto(`/map?unit=${tree.community.id}`)
    const map = p.getByTestId('grid-map')
    for (const g of grids) await map.locator(`path.gg-grid-${g.id}`).waitFor()
    await map.locator('path.gg-base-sibling').waitFor({ state: 'attached' }) // the neighbour may lie beyond the view
    await p.waitForLoadState('networkidle')
    t.diagnostic(`community map settled in ${Date.now() - started} ms`)
    assert.equal(await map.getAttribute('data-tiles'), '0')
    assert.equal(await p.getByTestId('map-tiles').count(), 0, 'no tiles switch when the server has no tiles')
    assert.equal(await map.locator('img.leaflet-tile').count(), 0)
    assert.equal(await map.locator('path.gg-base-parent').count(), 1)
    assert.equal(await map.locator('path.gg-base-self').count(), 1)
    assert.equal(await map.locator('path.gg-base-sibling').count(), 1)
    assert.equal(await map.locator('.gg-base-label-sibling').textContent(), neighbour.name)
    assert.equal(await map.locator('.gg-base-label-parent').textContent(), tree.street.name)
    // the base lies under the grids: a click on a grid still opens it
    const box = await map.locator(`path.gg-grid-${grids[2].id}`).boundingBox()
    assert.ok(box && box.width > 10, 'grid drawn with a size')
    await screenshot(p, 'map-base-community.png')

    // 网格地图 of the street: its communities, each named.
    await p.goto(`/map?unit=${tree.street.id}`)
    await map.locator('path.gg-base-child').nth(1).waitFor()
    assert.equal(await map.locator('path.gg-base-child').count(), 2)
    assert.deepEqual((await map.locator('.gg-base-label-child').allTextContents()).sort(), [tree.community.name, neighbour.name].sort())
    // the communities' outlines are drawn again above the grids' fills, so a street's grids show whose they are
    assert.equal(await map.locator('path.gg-base-outline').count(), 2)
    await p.waitForLoadState('networkidle')
    await screenshot(p, 'map-base-street.png')

    // The unit page's map tab and a grid's own page.
    await p.goto(`/units/${tree.community.id}`)
    await p.getByRole('tab', { name: '网格地图' }).click()
    await p.getByTestId('grid-map').locator('path.gg-base-sibling').waitFor({ state: 'attached' })
    await p.waitForLoadState('networkidle') // a request cut off by the next page load would count as failed
    await p.goto(`/grids/${grids[0].id}`)
    await p.getByTestId('grid-map').first().locator(`path.gg-grid-${grids[0].id}`).waitFor()
    await p.waitForLoadState('networkidle')

    assert.deepEqual(bad, [])
    assert.deepEqual(await problems(p), [])
  } finally {
    await p.context().close()
  }
})
