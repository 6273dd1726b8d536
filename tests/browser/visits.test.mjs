// 入户走访 on the grid worker's phone (docs/visits.md): from a house of their grid the worker opens a household's
// visit form, loses the connection, records the visit with a photo from the camera — it waits in 待发送 —,
// comes back online: the outbox sends it, the server holds exactly one new visit with its photo, and it shows
// in the household's 走访记录.  Then the community's visits page shows the coverage and the visit.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, apiCall, ok, PHONE, noHorizontalScroll } from './helpers.mjs'
import { caseArea, account, loginAs, photo } from './caseSteps.mjs'

let browser, admin, area, worker, home

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await caseArea(admin, { label: 'V', lng: 115.7, lat: 30.95, firstHandler: 'grid' })
  worker = await account(browser, admin, 'grid_worker', area.grid, `网格员${area.tree.tag}`)
  const b = ok(await apiCall(admin, 'POST', '/api/v1/buildings', { grid_id: area.grid.id, name: `走访楼${area.tree.tag}` }))
  const h = ok(await apiCall(admin, 'POST', `/api/v1/buildings/${b.id}/houses`, { room: '302' }))
  const p = ok(await apiCall(admin, 'POST', '/api/v1/residents', { name: '刘桂英', unit_id: area.grid.id, birth_date: '1944-09-12', gender: 'female', tags: ['elderly_alone'] }))
  const k = ok(await apiCall(admin, 'POST', '/api/v1/households', { house_id: h.id, head_resident_id: p.id }))
  home = { building: b, house: h, resident: p, household: k }
})
after(async () => {
  if (browser) await browser.close()
})

const serverVisits = async () => ok(await apiCall(admin, 'GET', `/api/v1/households/${home.household.id}/visits`), 200).items

test('a visit recorded offline on a phone is sent once when back online and shows in the history', { skip }, async () => {
  const page = await loginAs(browser, worker, PHONE)
  const context = page.context()
  await page.goto('/field')
  await page.getByTestId('field-grid').getByText(area.grid.name).waitFor()
  // (no page is loaded while offline here: the service worker's app shell is offline.test.mjs's subject)
  assert.deepEqual(await serverVisits(), [])

  // 我的网格 → 入户走访 opens the grid; its building, the house, the household's 入户走访
  await page.getByTestId('field-visit').click()
  await page.waitForURL((u) => u.pathname === `/grids/${area.grid.id}`)
  await page.goto(`/buildings/${home.building.id}?house=${home.house.id}`)
  const drawer = page.getByTestId('house-drawer')
  await drawer.getByTestId('household-card').waitFor()
  await drawer.getByTestId('visit-history-empty').waitFor()
  await drawer.getByTestId('household-visit').click()
  await page.waitForURL((u) => u.pathname === '/visits/new')
  await page.getByTestId('visit-where').getByText('刘桂英').waitFor()
  await page.getByTestId('visit-met-who').getByText('刘桂英').waitFor()
  assert.ok(await noHorizontalScroll(page), 'no sideways scrolling on a phone')

  // the connection drops while the worker is at the door
  await context.setOffline(true)
  const findings = `老人独居，身体尚可，家中整洁${area.tree.tag}`
  await page.getByTestId('visit-kind').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '特殊人群关爱' }).click()
  await page.getByTestId('visit-met-who').getByText('刘桂英').click()
  await page.getByTestId('visit-findings').fill(findings)
  await page.getByTestId('visit-needs').fill('希望每周有人上门测血压')
  await page.getByTestId('visit-photos-capture').setInputFiles(await photo(page, 'door', '#a73'))
  await page.locator('[data-testid="visit-photos-item"][data-status="kept"]').waitFor()
  await page.getByTestId('visit-submit').click()
  await page.getByTestId('visit-queued').waitFor()
  await page.getByTestId('visit-outbox').click()
  await page.waitForURL((u) => u.pathname === '/field')
  const item = page.locator('[data-testid="field-outbox-item"][data-state="waiting"]')
  await item.getByText('入户走访').waitFor()
  await item.getByText(findings).waitFor()
  assert.equal(await page.getByTestId('field-outbox-item').count(), 1)
  await screenshot(page, 'visits-outbox-phone.png')
  assert.deepEqual(await serverVisits(), [])

  // back online: the outbox sends it — one visit with its photo
  await context.setOffline(false)
  await page.getByTestId('field-outbox-empty').waitFor({ timeout: 30_000 })
  await page.getByTestId('field-sent').getByText('已发送 走访记录').waitFor()
  const visits = await serverVisits()
  assert.equal(visits.length, 1)
  assert.equal(visits[0].findings, findings)
  assert.equal(visits[0].kind, 'special_care')
  assert.equal(visits[0].photos.length, 1)
  assert.deepEqual(visits[0].met_residents.map((r) => r.name), ['刘桂英'])
  assert.equal(visits[0].account.id, worker.id)

  // 重新发送 of nothing and a reload send nothing more
  await page.reload()
  await page.getByTestId('field-outbox-empty').waitFor()
  assert.equal((await serverVisits()).length, 1)

  // the household's 走访记录 shows it, with its photo
  await page.goto(`/buildings/${home.building.id}?house=${home.house.id}`)
  const history = page.getByTestId('house-drawer').getByTestId('visit-history')
  await history.getByTestId('visit-item-findings').getByText(findings).waitFor()
  await history.locator('[data-testid="visit-item-photos-item"][data-loaded="1"]').waitFor()
  await history.getByText('特殊人群关爱').waitFor()
  await screenshot(page, 'visits-history-phone.png')
  assert.deepEqual(await problems(page), [])
  await context.close()
})

test('the visits page shows the coverage of the grid and the visit', { skip }, async () => {
  const page = await newPage(browser, PHONE)
  await loginAsAdmin(page)
  await page.goto(`/visits?unit_id=${area.grid.id}`)
  const share = page.getByTestId('visits-coverage-share')
  await share.waitFor()
  const c = ok(await apiCall(admin, 'GET', `/api/v1/visits/coverage?unit_id=${area.grid.id}`), 200)
  assert.equal(c.households, 1)
  assert.equal(c.visited, 1)
  await page.waitForFunction(() => document.querySelector('[data-testid="visits-coverage-share"]').textContent.trim() === '100.0%')
  await page.getByTestId('visits-due-empty').waitFor()
  await page.getByTestId('visits-list').getByTestId('visit-item').first().waitFor()
  assert.equal(await page.getByTestId('visits-list').getByTestId('visit-item').count(), 1)
  assert.ok(await noHorizontalScroll(page), 'no sideways scrolling on a phone')
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
