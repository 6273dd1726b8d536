// Grid workers use phones: at 390×844 the menu is a drawer behind a button,
// and the pages fit the screen.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, PHONE, noHorizontalScroll } from './helpers.mjs'

let browser
before(async () => {
  if (!skip) browser = await launch()
})
after(async () => {
  if (browser) await browser.close()
})

test('login page fits a phone', { skip }, async () => {
  const page = await newPage(browser, PHONE)
  await page.goto('/login')
  await page.getByRole('heading', { name: '用户登录' }).waitFor()
  assert.ok(await noHorizontalScroll(page), 'no sideways scrolling')
  await page.context().close()
})

test('on a phone the menu is a drawer opened by a button, not a sidebar', { skip }, async () => {
  const page = await newPage(browser, PHONE)
  await loginAsAdmin(page)

  assert.equal(await page.getByTestId('sidebar').count(), 0, 'no sidebar on a phone')
  const button = page.getByRole('button', { name: '打开菜单' })
  assert.ok(await button.isVisible())
  assert.equal(await page.getByRole('menuitem', { name: '首页' }).count(), 0, 'menu hidden until asked for')
  assert.ok(await noHorizontalScroll(page), 'no sideways scrolling')
  await screenshot(page, 'home-phone.png')

  await button.tap()
  const drawer = page.getByRole('dialog', { name: '菜单' })
  await drawer.waitFor()
  await drawer.getByRole('menuitem', { name: '首页' }).waitFor()
  await screenshot(page, 'home-phone-drawer.png')

  // Choosing an item closes the drawer.
  await drawer.getByRole('menuitem', { name: '首页' }).tap()
  await drawer.waitFor({ state: 'hidden' })
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
