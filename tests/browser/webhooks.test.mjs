// 对外推送 as an administrator sees it: a new subscription shows its secret once and appears in the table; its
// deliveries tab opens; switching it off reaches the server; the cameras tab lists a registered camera.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, apiCall, runTag } from './helpers.mjs'

let browser, page

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
})
after(async () => {
  if (browser) await browser.close()
})

test('a subscription made on the page shows its secret once, lists, and switches off', { skip }, async () => {
  const name = `推送测试${runTag()}`
  await page.goto('/')
  await page.getByRole('menuitem', { name: '对外推送' }).click()
  await page.waitForURL((u) => u.pathname === '/webhooks')
  await page.getByTestId('webhook-new').click()
  await page.getByTestId('webhook-name').fill(name)
  await page.getByTestId('webhook-url').fill('http://127.0.0.1:9/hook')
  await page.getByTestId('webhook-types').fill('case.created, case.dispatch')
  await page.getByTestId('webhook-save').click()
  const secret = page.getByTestId('webhook-secret')
  await secret.waitFor()
  assert.match(await secret.innerText(), /whsec_/)
  const row = page.getByTestId('webhook-table').locator('tr', { hasText: name })
  await row.waitFor()
  assert.match(await row.innerText(), /case\.created, case\.dispatch/)
  const list = await apiCall(page, 'GET', '/api/v1/webhooks')
  const sub = list.body.items.find((s) => s.name === name)
  assert.ok(sub && sub.active)
  await page.getByTestId(`webhook-active-${sub.id}`).click()
  for (let i = 0; i < 50; i++) {
    const r = await apiCall(page, 'GET', `/api/v1/webhooks/${sub.id}`)
    if (!r.body.active) break
    await page.waitForTimeout(100)
  }
  assert.equal((await apiCall(page, 'GET', `/api/v1/webhooks/${sub.id}`)).body.active, false)
  await page.getByTestId(`webhook-deliveries-${sub.id}`).click()
  await page.getByTestId('delivery-table').getByText('暂无投递记录').waitFor()
  assert.deepEqual(await problems(page), [])
})

test('the cameras tab lists a registered camera', { skip }, async () => {
  const src = await apiCall(page, 'POST', '/api/v1/video/sources', { name: '测试视频平台' })
  assert.equal(src.status, 201, JSON.stringify(src.body))
  const ext = `cam${runTag()}`
  const cam = await apiCall(page, 'POST', '/api/v1/cameras', { source_id: src.body.id, external_id: ext, name: '东门', lat: 25.01, lon: 118.01 })
  assert.equal(cam.status, 201, JSON.stringify(cam.body))
  await page.goto('/webhooks')
  await page.getByRole('tab', { name: '摄像头' }).click()
  await page.getByTestId('camera-table').getByText(ext).waitFor()
  assert.deepEqual(await problems(page), [])
})
