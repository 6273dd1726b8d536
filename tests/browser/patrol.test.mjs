// 随手办 on a grid worker's phone (390×844): from the menu to the form, their grid already chosen, a photo
// before and one after taken with the camera input, the position from the phone's GPS (granted, inside
// their grid), what was done — and the case is registered and closed in one go, with the whole timeline
// (report → close) on its page.  Then a plain 巡查上报 with the map pin as the fallback when the GPS fails.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, apiCall, ok, PHONE, noHorizontalScroll } from './helpers.mjs'
import { caseArea, account, loginAs, photo, pickCategory } from './caseSteps.mjs'

let browser, admin, area, worker

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await caseArea(admin, { label: 'P', lng: 115.3, lat: 30.6, firstHandler: 'grid' })
  worker = await account(browser, admin, 'grid_worker', area.grid, `网格员${area.tree.tag}`)
})
after(async () => {
  if (browser) await browser.close()
})

test('a grid worker handles a problem on the spot on a phone: photos, GPS point, closed at once', { skip }, async () => {
  const page = await loginAs(browser, worker, { ...PHONE, geolocation: area.point, permissions: ['geolocation'] })
  await page.getByTestId('menu-button').click()
  await page.getByTestId('nav-cases').click()
  await page.waitForURL((u) => u.pathname === '/cases')
  // A grid worker reports; dispatching is not theirs.
  assert.equal(await page.getByTestId('case-new-hotline').count(), 0)
  await page.getByTestId('case-new-on-spot').click()
  await page.waitForURL((u) => u.pathname === '/cases/new' && u.searchParams.get('channel') === 'on_spot')
  await page.getByRole('heading', { name: '随手办' }).waitFor()
  // their grid, preselected
  await page.getByTestId('intake-unit').getByText(area.grid.name).waitFor()

  await pickCategory(page, page.getByTestId('intake-category'), area.category.name)
  await page.getByTestId('intake-description').fill(`楼道堆放杂物${area.tree.tag}`)
  // the camera input (capture="environment") for both photos
  assert.equal(await page.getByTestId('intake-photos-capture').getAttribute('capture'), 'environment')
  await page.getByTestId('intake-photos-capture').setInputFiles(await photo(page, 'before', '#a52'))
  await page.locator('[data-testid="intake-photos-item"][data-status="done"]').waitFor()
  await page.getByTestId('intake-after-photos-capture').setInputFiles(await photo(page, 'after', '#2a5'))
  await page.locator('[data-testid="intake-after-photos-item"][data-status="done"]').waitFor()
  await page.getByTestId('map-locate').click()
  await page.getByTestId('map-point').getByText(String(area.point.latitude).slice(0, 6)).waitFor()
  await page.getByTestId('intake-note').fill('已当场清理，通道畅通')
  assert.ok(await noHorizontalScroll(page), 'no sideways scrolling on a phone')
  await screenshot(page, 'case-on-spot-phone.png')
  await page.getByTestId('intake-submit').click()

  const done = page.getByTestId('intake-created')
  await done.getByText(/已登记 GG\d{14}/).waitFor()
  await done.getByTestId('case-state').getByText('已结案').waitFor()
  await page.getByTestId('intake-open').click()
  await page.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname))
  await page.getByTestId('case-state').getByText('已结案').waitFor()
  const actions = await page.getByTestId('case-event').evaluateAll((els) => els.map((e) => e.dataset.action))
  assert.equal(actions[0], 'report')
  assert.ok(actions.includes('feedback') && ['close', 'verify_pass'].includes(actions.at(-1)), actions.join(','))
  await page.getByTestId('case-timeline').getByText('已当场清理，通道畅通').first().waitFor()
  await page.locator('[data-testid="case-photos"] [data-loaded="1"]').nth(1).waitFor()
  assert.ok(await noHorizontalScroll(page))
  await screenshot(page, 'case-on-spot-closed.png')
  const id = new URL(page.url()).pathname.split('/').pop()
  const c = ok(await apiCall(admin, 'GET', `/api/v1/cases/${id}`), 200)
  assert.equal(c.channel, 'patrol')
  assert.equal(c.state, 'closed')
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('a patrol report falls back to a pin on the map when the phone gives no position', { skip }, async () => {
  const page = await loginAs(browser, worker, PHONE) // no geolocation permission
  await page.goto('/cases/new?channel=patrol')
  await page.getByRole('heading', { name: '巡查上报' }).waitFor()
  await page.getByTestId('intake-unit').getByText(area.grid.name).waitFor()
  await page.getByTestId('map-locate').click()
  await page.getByText('无法获取位置，请在地图上点击标注').waitFor()
  // the map shows the grid (its border fitted): a click in the middle of the map lands inside it
  await page.locator('path.gg-case-grid').waitFor()
  const box = await page.getByTestId('point-map').boundingBox()
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
  await page.getByTestId('map-point').waitFor()
  await pickCategory(page, page.getByTestId('intake-category'), area.category.name)
  await page.getByTestId('intake-description').fill(`井盖松动${area.tree.tag}`)
  await page.getByTestId('intake-submit').click()
  await page.getByTestId('intake-created').getByText(/已登记 GG\d{14}/).waitFor()
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
