// The header's bell (NotificationBell.vue): a case dispatched to a unit where the administrator holds a
// handling role makes the unread count appear in the header without a reload (pushed over
// /api/v1/stream); the notification centre lists it, a click marks it read and the badge goes away.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, apiCall, ok, createSubtree, fetchMe, BASE_URL } from './helpers.mjs'

let browser, page, dispatcherToken, area, categoryId

async function as(token, method, path, body) {
  const res = await fetch(BASE_URL + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function loginBearer(username, password) {
  const r = await fetch(BASE_URL + '/api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, mode: 'bearer' }),
  })
  assert.equal(r.status, 200)
  return (await r.json()).token
}

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
  area = await createSubtree(page, { deep: true, label: 'n' })
  const me = await fetchMe(page)
  // the administrator also handles the community's cases: a dispatch there is news to them
  ok(await apiCall(page, 'POST', `/api/v1/accounts/${me.id}/grants`, { role: 'community', unit_id: area.community.id }))
  const username = `disp_${Date.now().toString(36)}`
  ok(await apiCall(page, 'POST', '/api/v1/accounts', {
    username, display_name: '调度员 测试', password: 'Temp-Pass-2026!', home_unit_id: area.street.id, role: 'dispatcher',
  }))
  const temp = await loginBearer(username, 'Temp-Pass-2026!')
  const changed = await as(temp, 'POST', '/api/v1/me/password', { current_password: 'Temp-Pass-2026!', new_password: 'Mine-Secret-77?' })
  assert.equal(changed.status, 204, JSON.stringify(changed.body))
  dispatcherToken = await loginBearer(username, 'Mine-Secret-77?')
  categoryId = ok(await apiCall(page, 'POST', '/api/v1/categories', {
    code: `n_${Date.now().toString(36)}`, name: `通知测试${area.tag}`, response_limit: 1, response_unit: 'working_days',
    handling_limit: 5, handling_unit: 'working_days', first_handler: 'dispatcher', priority: 'normal', resident_selectable: true,
  })).id
})
after(async () => {
  if (browser) await browser.close()
})

test('a dispatch lights the bell live; reading it clears the badge', { skip }, async () => {
  await page.goto('/')
  const bell = page.getByTestId('notification-bell')
  await bell.waitFor()
  const badge = page.getByTestId('notification-count').locator('.el-badge__content')
  const before = (await badge.isVisible()) ? Number(await badge.innerText()) : 0

  let k = ok(await as(dispatcherToken, 'POST', '/api/v1/cases', {
    channel: 'hotline', category_id: categoryId, description: '楼道灯坏了，晚上很黑', unit_id: area.community.id,
  }))
  for (const [action, extra] of [['accept', {}], ['register', {}], ['dispatch', { unit_id: area.community.id, note: '请社区处置' }]]) {
    k = ok(await as(dispatcherToken, 'POST', `/api/v1/cases/${k.id}/actions/${action}`, { version: k.version, ...extra }), 200)
  }
  // pushed, no reload
  await page.waitForFunction((n) => {
    const el = document.querySelector('[data-testid="notification-count"] .el-badge__content')
    return el && el.offsetParent !== null && Number(el.textContent) === n
  }, before + 1, { timeout: 10000 })

  await bell.click()
  await page.waitForURL((u) => u.pathname === '/notifications')
  const item = page.getByTestId('notification-item').filter({ hasText: k.number })
  await item.waitFor()
  assert.match(await item.innerText(), /新任务/)
  ok(await apiCall(page, 'POST', '/api/v1/notifications/read-all'), 200)
  await page.reload()
  await page.getByTestId('notification-list').waitFor()
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="notification-count"] .el-badge__content')
    return !el || el.offsetParent === null || el.style.display === 'none'
  }, null, { timeout: 10000 })
  assert.deepEqual(await problems(page), [])
})

test('the case list says when a case in view changed, and reloads when asked', { skip }, async () => {
  await page.goto(`/cases?box=all&unit_id=${area.community.id}`)
  await page.getByTestId('case-table').waitFor()
  await page.waitForLoadState('networkidle')
  assert.equal(await page.getByTestId('case-list-changed').count(), 0)
  const k = ok(await as(dispatcherToken, 'POST', '/api/v1/cases', {
    channel: 'hotline', category_id: categoryId, description: '小区门口井盖松动', unit_id: area.community.id,
  }))
  // pushed over the stream: a notice, not a list jumping under the user's hands
  const notice = page.getByTestId('case-list-changed')
  await notice.waitFor({ timeout: 10000 })
  assert.match(await notice.innerText(), /有办件发生变化或新到/)
  assert.equal(await page.getByTestId('case-number').filter({ hasText: k.number }).count(), 0)
  await page.getByTestId('case-list-reload').click()
  await page.getByTestId('case-number').filter({ hasText: k.number }).waitFor()
  assert.equal(await notice.count(), 0)
  assert.deepEqual(await problems(page), [])
})
