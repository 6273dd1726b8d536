// 指挥中心 (docs/command.md) as a leader uses it: a county 下陆区 with two streets, a community each and two
// grids per community, all with borders, and open cases at their corners (through the API).  The leader opens
// /command: the counters, the streets coloured by their load, the cases on the map; a case created through
// the API meanwhile appears on the map, in the ticker and in the counters without a reload; clicks drill from
// 下陆区 to a street, its community and a grid, the breadcrumb going back.  The wall screen at 1920×1080 has
// every panel on the one screen and no scrollbars.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, apiCall, ok, fetchMe, PHONE, noHorizontalScroll } from './helpers.mjs'
import { account, loginAs } from './caseSteps.mjs'

let browser, admin, area, leader
const box = (x0, y0, x1, y1) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] })

async function county(page) {
  const me = await fetchMe(page)
  const root = me.grants.find((g) => g.role === 'admin').unit_id
  const mk = async (parent, level, code, name) => ok(await apiCall(page, 'POST', '/api/v1/units', { parent_id: parent, level, code, name }))
  for (let attempt = 0; attempt < 5; attempt++) {
    const p2 = String(Math.floor(Math.random() * 90) + 10)
    const r = await apiCall(page, 'POST', '/api/v1/units', { parent_id: root, level: 'province', code: `${p2}0000000000`, name: `湖北省${p2}` })
    if (r.status === 409) continue
    const province = ok(r)
    const city = await mk(province.id, 'city', `${p2}0200000000`, `黄石市${p2}`)
    const c = await mk(city.id, 'county', `${p2}0204000000`, '下陆区')
    return { p2, county: c }
  }
  throw new Error('no free province code')
}

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  const { p2, county: c } = await county(admin)
  const x0 = 113.2, y0 = 29.4, d = 0.02
  const put = async (id, g) => ok(await apiCall(admin, 'PUT', `/api/v1/units/${id}/geometry`, { geometry: g }), 200)
  await put(c.id, box(x0, y0, x0 + 2 * d, y0 + d))
  const streets = []
  for (const [i, name] of [[0, '团城山街道'], [1, '新下陆街道']]) {
    const sx = x0 + i * d
    const s = ok(await apiCall(admin, 'POST', '/api/v1/units', { parent_id: c.id, level: 'street', code: `${p2}020400${i + 1}000`, name }))
    await put(s.id, box(sx, y0, sx + d, y0 + d))
    const cm = ok(await apiCall(admin, 'POST', '/api/v1/units', { parent_id: s.id, level: 'community', code: `${p2}020400${i + 1}001`, name: i ? '长乐社区' : '桂林社区' }))
    await put(cm.id, box(sx, y0, sx + d, y0 + d))
    const grids = []
    for (const j of [0, 1]) grids.push(ok(await apiCall(admin, 'POST', '/api/v1/grids', { parent_id: cm.id, name: `${cm.name}第${j + 1}网格`, geometry: box(sx + (j * d) / 2, y0, sx + ((j + 1) * d) / 2, y0 + d) })))
    streets.push({ street: s, community: cm, grids, x: sx })
  }
  const cats = ok(await apiCall(admin, 'GET', '/api/v1/categories'), 200)
  const category = cats.items.find((x) => x.code === 'exposed_rubbish')
  area = { county: c, streets, category, x0, y0, d }
  // open cases near the grids' corners (the middles stay free for the clicks): three in street A, one in B
  const corners = [[0.002, 0.002], [0.002, 0.017], [0.012, 0.003], [0.032, 0.003]]
  area.cases = []
  for (const [dx, dy] of corners) area.cases.push(await newCase(dx, dy))
  leader = await account(browser, admin, 'leader', c, `区领导${p2}`)
})
after(async () => {
  if (browser) await browser.close()
})

async function newCase(dx, dy, description = '东门外垃圾堆积') {
  return ok(
    await apiCall(admin, 'POST', '/api/v1/cases', {
      channel: 'walk_in',
      category_id: area.category.id,
      description,
      lat: +(area.y0 + dy).toFixed(6),
      lon: +(area.x0 + dx).toFixed(6),
    }),
  )
}

const counter = async (page, name) => Number((await page.getByTestId(`command-counter-${name}`).textContent()).trim())

test('a leader opens the command centre: counters, the streets by load, the cases; a new case arrives live', { skip }, async () => {
  const page = await loginAs(browser, leader)
  try {
    await page.context().addInitScript(() => localStorage.setItem('gg.mapTiles', '0'))
    await page.getByRole('menuitem', { name: '指挥中心' }).click()
    await page.waitForURL((u) => u.pathname === '/command' && u.searchParams.get('unit') === String(area.county.id))
    await page.getByTestId('command-current').getByText('下陆区').waitFor()
    const map = page.getByTestId('command-map')
    const [a, b] = area.streets
    await map.locator(`path.gg-cmd-area-${a.street.id}`).waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid="command-counter-open"]')?.textContent.trim() === '4')
    assert.equal(await counter(page, 'reported'), 4)
    assert.equal(await map.locator(`path.gg-cmd-area-${a.street.id}`).getAttribute('data-open'), '3')
    assert.equal(await map.locator(`path.gg-cmd-area-${b.street.id}`).getAttribute('data-open'), '1')
    // the streets' fills differ by load (3 open against 1)
    assert.notEqual(await map.locator(`path.gg-cmd-area-${a.street.id}`).getAttribute('fill'), await map.locator(`path.gg-cmd-area-${b.street.id}`).getAttribute('fill'))
    for (const k of area.cases) await map.locator(`.gg-cmd-case-${k.id}`).waitFor()
    await page.getByTestId('command-live').getByText('实时').waitFor()
    await page.getByTestId('command-chart-child').waitFor()

    // a case reported meanwhile: on the map, in the ticker, in the counters — no reload
    const navigations = []
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()))
    const k = await newCase(0.018, 0.018, '西门路灯不亮')
    await page.waitForFunction(() => document.querySelector('[data-testid="command-counter-open"]')?.textContent.trim() === '5', null, { timeout: 8000 })
    assert.equal(await counter(page, 'reported'), 5)
    // its steps in the ticker (report, register, dispatch: the category goes to the grid at once)
    await page.getByTestId('command-ticker-item').filter({ hasText: '新事件' }).filter({ hasText: k.number }).waitFor()
    await page.waitForFunction((n) => [...document.querySelectorAll('[data-testid="command-ticker-item"]')].filter((li) => li.textContent.includes(n)).length === 3, k.number)
    await map.locator(`.gg-cmd-case-${k.id}`).waitFor({ timeout: 8000 })
    await page.waitForFunction((id) => document.querySelector(`path.gg-cmd-area-${id}`)?.dataset.open === '4', a.street.id, { timeout: 8000 })
    assert.deepEqual(navigations, [], 'no reload')
    await screenshot(page, 'command.png')

    // drill down: the street, its community, a grid; the breadcrumb leads back
    await map.locator(`path.gg-cmd-area-${a.street.id}`).click()
    await page.waitForURL((u) => u.searchParams.get('unit') === String(a.street.id))
    await page.getByTestId('command-current').getByText('团城山街道').waitFor()
    await map.locator(`path.gg-cmd-area-${a.community.id}`).click()
    await page.waitForURL((u) => u.searchParams.get('unit') === String(a.community.id))
    await page.getByTestId('command-current').getByText('桂林社区').waitFor()
    const g = a.grids[0]
    await map.locator(`path.gg-cmd-area-${g.id}`).waitFor()
    await page.waitForFunction((id) => document.querySelector(`path.gg-cmd-area-${id}`)?.dataset.open === '2', g.id)
    await map.locator(`path.gg-cmd-area-${g.id}`).click()
    await page.waitForURL((u) => u.searchParams.get('unit') === String(g.id))
    await page.getByTestId('command-current').getByText(g.name).waitFor()
    await page.waitForFunction(() => document.querySelector('[data-testid="command-counter-open"]')?.textContent.trim() === '2')
    const crumbs = await page.getByTestId('command-breadcrumb').locator('a, strong').allTextContents()
    assert.deepEqual(crumbs, ['下陆区', '团城山街道', '桂林社区', g.name])
    await page.getByTestId(`command-crumb-${area.county.id}`).click()
    await page.waitForURL((u) => u.searchParams.get('unit') === String(area.county.id))
    await page.getByTestId('command-current').getByText('下陆区').waitFor()
    assert.deepEqual(await problems(page), [])
  } finally {
    await page.context().close()
  }
})

test('the wall screen fills 1920×1080 with every panel and no scrollbars, and refreshes itself', { skip }, async () => {
  const page = await loginAs(browser, leader, { viewport: { width: 1920, height: 1080 } })
  try {
    await page.goto(`/command/wall?unit=${area.county.id}`)
    await page.getByTestId('command-title').getByText('下陆区 网格化社会治理指挥中心').waitFor()
    const map = page.getByTestId('command-map')
    await map.locator(`path.gg-cmd-area-${area.streets[0].street.id}`).waitFor()
    await page.getByTestId('command-chart-child').waitFor()
    await page.getByTestId('command-live').getByText('实时').waitFor()
    assert.equal(await page.locator('.app-header, .el-aside, [data-testid="menu-button"]').count(), 0, 'no menus')
    const layout = await page.evaluate(() => ({
      w: document.documentElement.scrollWidth,
      h: document.documentElement.scrollHeight,
      bw: document.body.scrollWidth,
      bh: document.body.scrollHeight,
    }))
    assert.ok(layout.w <= 1920 && layout.h <= 1080 && layout.bw <= 1920 && layout.bh <= 1080, JSON.stringify(layout))
    for (const id of ['command-counters', 'command-map', 'command-ticker', 'command-hot', 'command-chart-day', 'command-chart-category', 'command-chart-channel', 'command-chart-child']) {
      const el = page.getByTestId(id)
      if (!(await el.count())) {
        // a chart without figures yet shows its empty state in the same place
        if (id.startsWith('command-chart')) continue
      }
      const bb = await el.boundingBox()
      assert.ok(bb && bb.x >= 0 && bb.y >= 0 && bb.x + bb.width <= 1920 + 1 && bb.y + bb.height <= 1080 + 1, `${id} on screen: ${JSON.stringify(bb)}`)
    }
    const mapBox = await map.boundingBox()
    assert.ok(mapBox.width > 900 && mapBox.height > 400, `the map is the big panel: ${JSON.stringify(mapBox)}`)
    // a new case: the wall's counters follow
    const before = await counter(page, 'open')
    await newCase(0.028, 0.016, '广场井盖缺失')
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="command-counter-open"]')?.textContent.trim()) === n, before + 1, { timeout: 8000 })
    await screenshot(page, 'command-wall.png')
    assert.deepEqual(await problems(page), [])
  } finally {
    await page.context().close()
  }
})

test('on a phone the command centre is one column without sideways scrolling', { skip }, async () => {
  const page = await loginAs(browser, leader, PHONE)
  try {
    await page.goto(`/command?unit=${area.county.id}`)
    await page.getByTestId('command-map').locator(`path.gg-cmd-area-${area.streets[0].street.id}`).waitFor()
    await page.getByTestId('command-counter-open').waitFor()
    assert.ok(await noHorizontalScroll(page), 'no sideways scrolling')
    assert.deepEqual(await problems(page), [])
  } finally {
    await page.context().close()
  }
})
