// A community's own border on the unit page's map tab (绘制社区边界 → PUT
// /api/v1/units/{id}/geometry): a border that would leave a grid outside is
// refused with the server's message naming that grid, and the drawing stays to
// be fixed; a border around both grids is saved, read back through the API and
// drawn as a dashed outline that clicks pass through; a stale version offers a
// reload; on a phone the tools fit the screen.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, createSubtree, apiCall, PHONE, noHorizontalScroll, ok } from './helpers.mjs'

const square = (lng, lat, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
})
const box = (w, s, e, n) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] })

let browser, page, tree, grid1, grid2


/** Tiles off for every map of the page's context: there is no internet here. */
async function noTiles(p) {
  await p.context().addInitScript(() => localStorage.setItem('gg.mapTiles', '0'))
}

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await noTiles(page)
  await loginAsAdmin(page)
  tree = await createSubtree(page, { deep: true, label: 'B' })
  const c = tree.community
  grid1 = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}第1网格`, geometry: square(114.95, 30.3) }))
  grid2 = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}第2网格`, geometry: square(114.96, 30.3) }))
})
after(async () => {
  if (browser) await browser.close()
})

/** The four corners of a pixel box. */
const corners = (x0, y0, x1, y1) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]

/**
 * Clicks the map at the given page points, one vertex each: each point is kept
 * a few pixels inside the map and must land on the map itself (not on its zoom
 * buttons or legend), or the test says where it landed.
 */
async function drawRing(p, map, points) {
  const m = await map.boundingBox()
  for (const [px, py] of points) {
    const x = Math.min(Math.max(px, m.x + 4), m.x + m.width - 4)
    const y = Math.min(Math.max(py, m.y + 4), m.y + m.height - 4)
    const where = await p.evaluate(([x, y]) => {
      const el = document.elementFromPoint(x, y)
      if (!el) return 'outside the window'
      const onMap = el.closest('.leaflet-container') && !el.closest('.leaflet-control-container')
      return onMap ? 'map' : el.outerHTML.slice(0, 80)
    }, [x, y])
    assert.equal(where, 'map', `the vertex at ${x},${y} lands on the map`)
    await p.mouse.click(x, y)
  }
}

/**
 * One step of zoom out (the map's − button), waited for until the animation is
 * over: the grids fill the map with only a small padding, and a border drawn
 * just outside them would be clicked onto the zoom buttons or the legend.
 */
async function zoomOut(p, map) {
  const grid = map.locator(`path.gg-grid-${grid1.id}`)
  const before = await grid.boundingBox()
  await map.locator('.leaflet-control-zoom-out').click()
  await p.waitForFunction(
    ([sel, width]) => !document.querySelector('.leaflet-zoom-anim') && document.querySelector(sel).getBoundingClientRect().width < width * 0.75,
    [`path.gg-grid-${grid1.id}`, before.width],
  )
}

/** The union of two boxes {x, y, width, height} as [x0, y0, x1, y1]. */
function union(a, b) {
  return [Math.min(a.x, b.x), Math.min(a.y, b.y), Math.max(a.x + a.width, b.x + b.width), Math.max(a.y + a.height, b.y + b.height)]
}

async function openMapTab(p, unitId) {
  await p.goto(`/units/${unitId}`)
  await p.getByRole('tab', { name: '网格地图' }).click()
  const map = p.getByTestId('grid-map')
  await map.locator(`path.gg-grid-${grid1.id}`).waitFor()
  await map.locator(`path.gg-grid-${grid2.id}`).waitFor()
  return map
}

test('a community border is drawn on the map: one that leaves a grid outside is refused and kept, one around both grids is saved', { skip }, async () => {
  const c = tree.community
  const map = await openMapTab(page, c.id)
  const tools = page.getByTestId('grid-edit-tools')
  const edit = tools.getByTestId('unit-border-edit')
  const hint = tools.getByTestId('grid-draw-hint')
  const finish = tools.getByTestId('grid-draw-finish')
  const drawing = map.locator('path.gg-drawing')
  const border = map.locator('path.gg-unit-border')

  // No border yet: the button offers to draw one, and the map draws none.
  await edit.waitFor()
  assert.equal((await edit.textContent()).trim(), '绘制社区边界')
  assert.equal(await border.count(), 0)

  // a. Around grid 1 only, its east side a few pixels into grid 2: grid 2 would be left outside.
  await zoomOut(page, map)
  await edit.click()
  await hint.getByText('社区边界：').waitFor()
  // Measured now: the hint above the map has moved it down.
  await map.scrollIntoViewIfNeeded()
  const b1 = await map.locator(`path.gg-grid-${grid1.id}`).boundingBox()
  await drawRing(page, map, corners(b1.x - 8, b1.y - 8, b1.x + b1.width + 4, b1.y + b1.height + 8))
  await hint.getByText('4 个顶点').waitFor()
  await finish.click()
  const refusal = tools.getByTestId('form-error')
  await refusal.getByText(grid2.name).waitFor() // the server's words, naming the grid left outside
  assert.ok(!(await refusal.textContent()).includes(grid1.name), 'grid 1 is inside the border')
  // The drawing is still there, to be fixed and saved again; nothing was saved.
  await hint.getByText('4 个顶点').waitFor()
  assert.equal(await drawing.count(), 1)
  const none = await ok(await apiCall(page, 'GET', `/api/v1/units/${c.id}?geometry=1`), 200)
  assert.equal(none.geometry, null)
  await screenshot(page, 'unit-border-refused.png')

  // b. Cancel, start again and draw around both grids.
  await tools.getByRole('button', { name: '取消', exact: true }).click()
  assert.equal(await drawing.count(), 0)
  assert.equal(await tools.getByTestId('form-error').count(), 0)
  assert.equal((await edit.textContent()).trim(), '绘制社区边界')
  await edit.click()
  await hint.getByText('社区边界：').waitFor()
  await map.scrollIntoViewIfNeeded()
  const grid1Box = await map.locator(`path.gg-grid-${grid1.id}`).boundingBox()
  const [x0, y0, x1, y1] = union(grid1Box, await map.locator(`path.gg-grid-${grid2.id}`).boundingBox())
  await drawRing(page, map, corners(x0 - 8, y0 - 8, x1 + 8, y1 + 8))
  await hint.getByText('4 个顶点').waitFor()
  await finish.click()
  await page.getByText('社区边界已保存').waitFor()

  // What the server now holds: a Polygon whose ring holds both squares (114.95–114.97, 30.30–30.31).
  const saved = await ok(await apiCall(page, 'GET', `/api/v1/units/${c.id}?geometry=1`), 200)
  assert.equal(saved.geometry.type, 'Polygon')
  const ring = saved.geometry.coordinates[0]
  const lngs = ring.map((q) => q[0])
  const lats = ring.map((q) => q[1])
  assert.ok(Math.min(...lngs) < 114.95 && Math.max(...lngs) > 114.97, `longitudes ${Math.min(...lngs)}–${Math.max(...lngs)}`)
  assert.ok(Math.min(...lats) < 30.3 && Math.max(...lats) > 30.31, `latitudes ${Math.min(...lats)}–${Math.max(...lats)}`)

  // The map draws it (dashed, not clickable), the legend names it, the button now edits it.
  await border.waitFor()
  assert.equal(await border.count(), 1)
  assert.equal(await border.getAttribute('fill'), 'none')
  assert.ok(!(await border.getAttribute('class')).includes('leaflet-interactive'), 'the border takes no clicks')
  await page.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim')) // the map fits the grids again
  const bb = await border.boundingBox()
  const [g0, h0, g1, h1] = union(await map.locator(`path.gg-grid-${grid1.id}`).boundingBox(), await map.locator(`path.gg-grid-${grid2.id}`).boundingBox())
  assert.ok(bb.x < g0 && bb.y < h0 && bb.x + bb.width > g1 && bb.y + bb.height > h1, 'the border is drawn around both grids')
  await page.getByTestId('map-legend-border').getByText('社区边界').waitFor()
  await edit.getByText('修改社区边界').waitFor()
  assert.equal(await drawing.count(), 0)
  await screenshot(page, 'unit-border.png')

  // c. Someone else redraws it meanwhile: the stale version is refused and a reload is offered.
  await ok(await apiCall(page, 'PUT', `/api/v1/units/${c.id}/geometry`, { geometry: box(114.94, 30.29, 114.98, 30.32), version: saved.version }), 200)
  await edit.click()
  await hint.getByText('4 个顶点').waitFor() // the border as this page read it
  await finish.click()
  const conflict = tools.getByTestId('form-error')
  await conflict.getByText('已被他人修改，请刷新').waitFor()
  assert.equal(await drawing.count(), 1, 'the drawing stays until the reload')
  await conflict.getByTestId('edit-reload').click()
  assert.equal(await drawing.count(), 0)
  assert.equal(await tools.getByTestId('form-error').count(), 0)
  await page.getByTestId('map-loading').waitFor({ state: 'detached' }) // border, version and grids read again
  // With the version read again, the other person's border comes back as it is and saves.
  const theirs = await ok(await apiCall(page, 'GET', `/api/v1/units/${c.id}?geometry=1`), 200)
  await edit.getByText('修改社区边界').click()
  await hint.getByText('4 个顶点').waitFor()
  await page.getByText('社区边界已保存').waitFor({ state: 'detached' }) // the first save's message
  await finish.click()
  await page.getByText('社区边界已保存').waitFor()
  const final = await ok(await apiCall(page, 'GET', `/api/v1/units/${c.id}?geometry=1`), 200)
  assert.equal(final.version, theirs.version + 1)
  assert.deepEqual(final.geometry, theirs.geometry)

  // Clicks go through the border to the grids: a click opens grid 2.
  await map.locator(`path.gg-grid-${grid2.id}`).click()
  await page.waitForURL((u) => u.pathname === `/grids/${grid2.id}`)
  assert.deepEqual(await problems(page), [])
})

test('on a phone the map tab shows the community border and its tool without sideways scrolling', { skip }, async () => {
  const phone = await newPage(browser, PHONE)
  await noTiles(phone)
  await loginAsAdmin(phone)
  const map = await openMapTab(phone, tree.community.id)
  await map.locator('path.gg-unit-border').waitFor()
  const edit = phone.getByTestId('unit-border-edit')
  await edit.getByText('修改社区边界').waitFor()
  const width = phone.viewportSize().width
  const tools = await phone.getByTestId('grid-edit-tools').boundingBox()
  assert.ok(tools.x >= 0 && tools.x + tools.width <= width, `the tools (${tools.x}+${tools.width}) fit ${width}`)
  await edit.tap()
  await phone.getByTestId('grid-draw-hint').getByText('4 个顶点').waitFor()
  const drawingTools = await phone.getByTestId('grid-edit-tools').boundingBox()
  assert.ok(drawingTools.x + drawingTools.width <= width, 'the drawing tools fit too')
  assert.ok(await noHorizontalScroll(phone), 'no sideways scrolling')
  // The border reaches beyond the grids the view fits: editing brings all its vertices into view.
  await phone.waitForFunction(() => !document.querySelector('.leaflet-zoom-anim'))
  const m = await map.boundingBox()
  const vertices = await map.locator('.gg-vertex').all()
  assert.equal(vertices.length, 4)
  for (const v of vertices) {
    const b = await v.boundingBox()
    assert.ok(b.x >= m.x && b.y >= m.y && b.x + b.width <= m.x + m.width && b.y + b.height <= m.y + m.height, `vertex ${JSON.stringify(b)} inside the map ${JSON.stringify(m)}`)
  }
  await screenshot(phone, 'unit-border-phone.png')
  assert.deepEqual(await problems(phone), [])
  await phone.context().close()
})
