// The dispute register's edits and the public tracking of a one-window matter, on a phone (docs/mediation.md
// "Editing the register", docs/centres.md): a community mediator takes a dispute, corrects its title and a party — a wrong
// ID number comes back under its field, the right one is shown masked —, reveals the party's full ID number
// with a reason (查看; the audit log has the pii.read row naming the party, not the number); a visitor tracks
// the YC number of a one-window matter with its code on /track and sees its state and where it went, without
// any personal data, and a wrong code reads 编号或查询码不正确.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, loginAsAdmin, skip, apiCall, ok, createSubtree, idNumber, PHONE, noHorizontalScroll } from './helpers.mjs'
import { account, loginAs } from './caseSteps.mjs'

let browser, admin, area, mediator, desk

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await createSubtree(admin, { deep: true, label: 'R' })
  mediator = await account(browser, admin, 'mediator', area.community, '调解员钱')
  desk = await account(browser, admin, 'centre', area.community, '窗口小孙')
})
after(async () => {
  if (browser) await browser.close()
})

test('a mediator corrects a party and reveals its ID number with a reason', { skip }, async () => {
  const page = await loginAs(browser, mediator, PHONE)
  const made = ok(
    await apiCall(page, 'POST', '/api/v1/disputes', {
      unit_id: area.community.id, title: '装修噪音纠纷', type: 'neighbour', source: 'walk_in',
      summary: '楼上装修噪音扰民。', parties: [{ name: '张三', id_number: idNumber('19800101', 31) }, { name: '李四', phone: '13900001234' }],
    }),
  )
  const li = made.parties[1]
  await page.goto(`/disputes/${made.id}`)
  const row = page.locator(`[data-test="party-${li.id}"]`)
  await row.waitFor()
  // before being assigned there is nothing to reveal
  assert.equal(await row.locator('[data-test="party-reveal"]').count(), 0)
  await page.locator('[data-test="assign-me"]').click()
  await row.locator('[data-test="party-reveal"]').waitFor()

  // 修改登记: the title and the risk level, on the page and on the timeline
  await page.locator('[data-test="dispute-edit"]').click()
  await page.locator('[data-test="edit-title"]').fill('装修噪音及漏水纠纷')
  await page.locator('[data-test="edit-risk"]').getByText('高').click()
  await page.getByTestId('edit-save').click()
  await page.getByText('装修噪音及漏水纠纷').first().waitFor()
  await page.locator('[data-test="timeline"]', { hasText: '修改登记' }).waitFor()

  // a wrong check digit comes back under the ID number field
  const good = idNumber('19850505', 42)
  const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  await row.locator('[data-test="party-edit"]').click()
  await page.locator('[data-test="party-id-number"]').fill(bad)
  await page.locator('[data-test="party-address"]').fill('桂林北路8号')
  await page.getByTestId('party-save').click()
  const idError = page.locator('.el-form-item').filter({ has: page.locator('[data-test="party-id-number"]') }).locator('.el-form-item__error')
  await idError.waitFor()
  assert.ok((await idError.innerText()).length > 0)
  await page.locator('[data-test="party-id-number"]').fill(good)
  await page.getByTestId('party-save').click()
  await row.locator('[data-test="party-id"]').waitFor()
  const masked = await row.locator('[data-test="party-id"]').innerText()
  assert.match(masked, /\*/)
  assert.ok(masked.endsWith(good.slice(-4)), masked)
  assert.match(await row.innerText(), /桂林北路8号/)

  // 查看: a reason, then the full values in place
  await row.locator('[data-test="party-reveal"]').click()
  await page.getByTestId('reveal-submit').click()
  await page.getByText('请填写查看原因').waitFor()
  await page.locator('[data-test="reveal-reason"]').fill('核实当事人身份')
  await page.getByTestId('reveal-submit').click()
  await row.locator('[data-test="party-id"]', { hasText: good }).waitFor()
  assert.equal(await row.locator('[data-test="party-phone"]').innerText(), '13900001234')
  assert.ok(await noHorizontalScroll(page))
  const audit = ok(await apiCall(admin, 'GET', '/api/v1/audit?action=pii.read&limit=20'), 200)
  const entry = audit.items.find((a) => a.object_type === 'dispute_party' && a.object_id === String(li.id))
  assert.ok(entry, 'a pii.read row for the party')
  assert.ok(!JSON.stringify(entry).includes(good))
  await page.context().close()
})

test('a visitor tracks a YC number with its code on a phone, without personal data', { skip }, async () => {
  const dp = await loginAs(browser, desk, PHONE)
  const m = ok(
    await apiCall(dp, 'POST', '/api/v1/matters', {
      unit_id: area.community.id, visitor_name: '孙来访', visitor_phone: '13812349876', route: 'mediation',
      summary: '邻居占用楼道堆放杂物', dispute_type: 'neighbour',
    }),
    201,
  )
  assert.match(m.secret, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  await dp.context().close()
  const page = await newPage(browser, PHONE)
  await page.goto('/track')
  await page.getByTestId('track-number').fill(m.number)
  await page.getByTestId('track-secret').fill(m.secret === '0000-0000' ? '1111-1111' : '0000-0000')
  await page.getByTestId('track-submit').click()
  await page.getByTestId('track-error').waitFor()
  assert.match(await page.getByTestId('track-error').innerText(), /编号或查询码不正确/)
  await page.getByTestId('track-secret').fill(m.secret.toLowerCase())
  await page.getByTestId('track-submit').click()
  const result = page.getByTestId('matter-result')
  await result.waitFor()
  const text = await result.innerText()
  assert.match(text, new RegExp(m.number))
  assert.match(await page.getByTestId('matter-status').innerText(), /办理中/)
  assert.match(await page.getByTestId('matter-route').innerText(), /矛盾纠纷调解/)
  assert.match(await page.getByTestId('matter-target').innerText(), /TJ\d{14}/)
  assert.match(await page.getByTestId('matter-events').innerText(), /登记[\s\S]*分流/)
  const all = await page.locator('body').innerText()
  for (const personal of ['孙来访', '9876', '杂物']) assert.ok(!all.includes(personal), personal)
  assert.ok(await noHorizontalScroll(page))
  await page.context().close()
})
