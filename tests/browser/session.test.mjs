// Logging in and out as the admin: the home page, the menu, the status card,
// reloads, unknown pages and the forced password change.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, fetchMe, screenshot, skip, ADMIN_USER, DESKTOP } from './helpers.mjs'

let browser
before(async () => {
  if (!skip) browser = await launch()
})
after(async () => {
  if (browser) await browser.close()
})

test('the right password lands on the home page with name and role', { skip }, async () => {
  const page = await newPage(browser)
  await loginAsAdmin(page)
  const me = await fetchMe(page)
  const name = me.display_name || me.username

  assert.equal(await page.getByTestId('greeting').textContent(), `您好，${name}`)
  assert.equal(await page.getByTestId('user-name').textContent(), name)
  const grants = page.getByTestId('grants')
  await grants.getByText('系统管理员').first().waitFor()
  const adminGrant = me.grants.find((g) => g.role === 'admin')
  assert.ok(adminGrant, 'the admin account has an admin grant')
  await grants.getByText(adminGrant.unit_name, { exact: true }).first().waitFor()

  // The sidebar (not a drawer) on a desktop, with the items the admin may use.
  assert.ok(await page.getByTestId('sidebar').isVisible())
  assert.equal(await page.getByTestId('menu-button').count(), 0)
  await page.getByTestId('sidebar').getByRole('menuitem', { name: '首页' }).waitFor()

  // System status: /healthz and /readyz as the server answers them.
  const status = page.getByTestId('system-status')
  await status.getByTestId('status-health').getByText('正常').waitFor()
  await status.getByTestId('status-ready').getByText('就绪').waitFor()
  const health = await page.evaluate(async () => (await fetch('/healthz')).json())
  assert.equal(await status.getByTestId('status-version').textContent(), health.version)

  assert.equal(await page.title(), '首页 - 网格化社会治理平台')
  const file = await screenshot(page, 'home.png')
  assert.ok(file.endsWith('home.png'))
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('a reload keeps the session and the CSRF token', { skip }, async () => {
  const page = await newPage(browser)
  await loginAsAdmin(page)
  await page.reload()
  await page.getByTestId('greeting').waitFor()
  assert.equal(new URL(page.url()).pathname, '/')

  // After the reload the logout still carries the token the server expects.
  const logout = page.waitForRequest((r) => r.url().endsWith('/api/v1/session') && r.method() === 'DELETE')
  await page.getByTestId('user-menu').click()
  await page.getByRole('menuitem', { name: '退出登录' }).click()
  const req = await logout
  await page.waitForURL((u) => u.pathname === '/login')
  assert.ok(req.headers()['x-csrf-token'], 'DELETE /api/v1/session carries X-CSRF-Token')
  await page.context().close()
})

test('logout returns to the login page and ends the session', { skip }, async () => {
  const page = await newPage(browser)
  await loginAsAdmin(page)
  await page.getByTestId('user-menu').click()
  await page.getByRole('menuitem', { name: '退出登录' }).click()
  await page.waitForURL((u) => u.pathname === '/login')
  await page.getByRole('heading', { name: '用户登录' }).waitFor()

  // The server forgot the session: the home page now sends us back to login.
  const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status)
  assert.equal(status, 401)
  await page.goto('/')
  await page.waitForURL((u) => u.pathname === '/login')
  await page.context().close()
})

test('after login the user returns to the page they asked for', { skip }, async () => {
  const page = await newPage(browser)
  await page.goto('/no/such/page')
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/no/such/page')
  await page.getByLabel('用户名').fill(ADMIN_USER)
  await page.getByLabel('密码', { exact: true }).fill(process.env.GG_ADMIN_PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  // ...which does not exist: the 404 page, inside the layout, with a way home.
  await page.waitForURL((u) => u.pathname === '/no/such/page')
  await page.getByText('页面不存在', { exact: true }).waitFor()
  await page.getByRole('button', { name: '返回首页' }).click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.context().close()
})

// The check script's admin has a normal password; the forced change is shown
// by standing in for the server's /me and /me/password answers.
test('must_change_password keeps the user on the password page', { skip }, async () => {
  // The answers below are faked with page.route, which never sees a request the service worker makes (it
  // fetches every /api/ request itself once it controls the page, web/src/offline/sw.js): without blocking
  // it, the second navigation got the real /me whenever the worker had taken control by then.
  const page = await newPage(browser, { ...DESKTOP, serviceWorkers: 'block' })
  let forced = true
  await page.route('**/api/v1/me', async (route) => {
    const res = await route.fetch()
    const body = await res.json()
    await route.fulfill({ response: res, json: { ...body, must_change_password: forced } })
  })
  let sent = null
  await page.route('**/api/v1/me/password', async (route) => {
    sent = { body: route.request().postDataJSON(), csrf: route.request().headers()['x-csrf-token'] }
    if (sent.body.new_password === 'short') {
      return route.fulfill({
        status: 400,
        json: { error: { code: 'validation_failed', message: '密码太弱：至少 10 位', field: 'new_password' } },
      })
    }
    forced = false
    return route.fulfill({ status: 204 })
  })

  await page.goto('/login')
  await page.getByLabel('用户名').fill(ADMIN_USER)
  await page.getByLabel('密码', { exact: true }).fill(process.env.GG_ADMIN_PASSWORD)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => u.pathname === '/password')
  await page.getByRole('heading', { name: '修改密码' }).waitFor()
  await page.getByTestId('password-forced').waitFor()

  // Other pages are out of reach until the password is changed.
  await page.goto('/')
  await page.waitForURL((u) => u.pathname === '/password')

  // Client-side checks first.
  await page.getByRole('button', { name: '保存新密码' }).click()
  await page.getByText('请输入当前密码').waitFor()
  await page.getByTestId('current-password').fill('old-one')
  await page.getByTestId('new-password').fill('short')
  await page.getByTestId('confirm-password').fill('shorter')
  await page.getByRole('button', { name: '保存新密码' }).click()
  await page.getByText('两次输入的新密码不一致').waitFor()

  // The server's strength rule, shown under the new-password field.
  await page.getByTestId('confirm-password').fill('short')
  await page.getByRole('button', { name: '保存新密码' }).click()
  await page.getByText('密码太弱：至少 10 位').waitFor()
  assert.deepEqual(sent.body, { current_password: 'old-one', new_password: 'short' })
  assert.ok(sent.csrf, 'POST /api/v1/me/password carries X-CSRF-Token')

  await page.getByTestId('new-password').fill('A-much-better-pass-42')
  await page.getByTestId('confirm-password').fill('A-much-better-pass-42')
  await page.getByRole('button', { name: '保存新密码' }).click()
  await page.waitForURL((u) => u.pathname === '/')
  await page.getByTestId('greeting').waitFor()
  await page.context().close()
})
