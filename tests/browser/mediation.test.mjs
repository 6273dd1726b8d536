// 矛盾纠纷调解 as a community mediator sees it on a phone: the desk, a dispute registered through the API,
// 由我调解, a session recorded with its minutes, an agreement written in the editor and printed (the PDF link
// answers application/pdf), and the measures with their formulas beside the figures.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { launch, newPage, loginAsAdmin, skip, apiCall, ok, createSubtree, idNumber, PHONE, noHorizontalScroll } from './helpers.mjs'
import { account, loginAs } from './caseSteps.mjs'

let browser, admin, area, mediator

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await createSubtree(admin, { deep: true, label: 'M' })
  mediator = await account(browser, admin, 'mediator', area.community, '调解员王')
})
after(async () => {
  if (browser) await browser.close()
})

test('a mediator records a session and an agreement and prints it', { skip }, async () => {
  const page = await loginAs(browser, mediator, PHONE)
  const made = ok(
    await apiCall(page, 'POST', '/api/v1/disputes', {
      unit_id: area.community.id, title: '楼上漏水纠纷', type: 'neighbour', source: 'walk_in',
      summary: '楼上漏水致楼下受损。', parties: [{ name: '张三', id_number: idNumber('19800101', 11) }, { name: '李四' }],
    }),
  )
  await page.goto('/mediation')
  await page.locator('[data-test="desk-today"]').waitFor()
  await page.goto(`/disputes/${made.id}`)
  await page.locator('[data-test="parties"]').waitFor()
  assert.match(await page.locator('[data-test="parties"]').innerText(), /4202\*+/)
  await page.locator('[data-test="assign-me"]').click()
  await page.locator('[data-test="s-place"]').fill('社区调解室')
  await page.locator('[data-test="s-attendance"]').fill('张三、李四')
  await page.locator('[data-test="s-minutes"]').fill('双方同意赔偿。')
  await page.locator('[data-test="s-save"]').click()
  await page.locator('[data-test="sessions"] li').first().waitFor()
  assert.match(await page.locator('[data-test="sessions"]').innerText(), /社区调解室/)
  await page.locator('[data-test="edit-agreement"]').click()
  await page.locator('[data-test="a-terms"]').fill('李四赔偿张三800元\n双方和睦相处')
  await page.locator('[data-test="a-mediator"]').fill('调解员王')
  await page.locator('[data-test="a-save"]').click()
  await page.locator('[data-test="agreement"]').waitFor()
  assert.match(await page.locator('[data-test="agreement"]').innerText(), /李四赔偿张三800元/)
  assert.match(await page.locator('[data-test="d-state"]').innerText(), /调解成功/)
  assert.ok(await noHorizontalScroll(page))
  // 打印 opens the PDF; it answers application/pdf
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.locator('[data-test="print"]').click()])
  const href = await page.locator('[data-test="download"]').getAttribute('href')
  const pdf = await page.evaluate(async (u) => {
    const r = await fetch(u)
    const b = new Uint8Array(await r.arrayBuffer())
    return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 5)) }
  }, href)
  assert.equal(pdf.status, 200)
  assert.match(pdf.type, /^application\/pdf/)
  assert.equal(pdf.head, '%PDF-')
  await popup.close()
  // the measures: the figure with numerator/denominator and the formula beside it
  await page.goto('/mediation')
  await page.getByRole('tab', { name: '调解统计' }).click()
  const card = page.locator('[data-code="success_rate"]')
  await card.waitFor()
  const text = await card.innerText()
  assert.match(text, /100\.0 %/)
  assert.match(text, /1 \/ 1/)
  assert.match(text, /调解成功率 = 调解成功数 ÷ 已调解纠纷数/)
  await page.context().close()
})

test('the news figures: 1,515 mediated, 1,509 settled — the measures page shows 99.6 % with the formula', { skip: skip || !process.env.GG_CLI_COMMON }, async () => {
  const county = ok(await apiCall(admin, 'POST', '/api/v1/units', { parent_id: area.city.id, level: 'county', code: area.county.code.slice(0, 4) + '03000000', name: `新闻区${area.tag}` }))
  const street = ok(await apiCall(admin, 'POST', '/api/v1/units', { parent_id: county.id, level: 'street', code: area.county.code.slice(0, 4) + '03001000', name: `新闻街道${area.tag}` }))
  ok(await apiCall(admin, 'POST', '/api/v1/units', { parent_id: street.id, level: 'community', code: area.county.code.slice(0, 4) + '03001001', name: `新闻社区${area.tag}` }))
  execFileSync(process.env.GG_BINARY, ['demo-disputes', '--unit', String(county.id), '--count', '1515', '--success', '1509', '--performed', '1509', '--litigation', '2', '--days', '20', ...process.env.GG_CLI_COMMON.split('\n')])
  await admin.goto(`/mediation?tab=measures&unit_id=${county.id}`)
  const success = admin.locator('[data-code="success_rate"]')
  await success.waitFor()
  const s = await success.innerText()
  assert.match(s, /99\.6 %/)
  assert.match(s, /1509 \/ 1515/)
  assert.match(s, /调解成功率 = 调解成功数 ÷ 已调解纠纷数/)
  const p = await admin.locator('[data-code="performance_rate"]').innerText()
  assert.match(p, /99\.6 %/)
  assert.match(p, /1509 \/ 1515/)
})

test('the roster: a mediator adds a committee and a mediator; a dispute’s judicial confirmation is recorded', { skip }, async () => {
  const page = await loginAs(browser, mediator, PHONE)
  await page.goto('/mediators')
  await page.locator('[data-test="roster"]').waitFor()
  // a committee of the community
  await page.locator('[data-test="new-committee"]').click()
  await page.locator('[data-test="c-name"]').fill(`和平社区${area.tag}人民调解委员会`)
  await page.locator('[data-test="c-save"]').click()
  await page.locator('[data-test="committees"]').getByText(`和平社区${area.tag}人民调解委员会`).waitFor()
  // a lawyer on its roster, a member of it
  await page.locator('[data-test="new-mediator"]').click()
  await page.locator('[data-test="m-name"]').fill(`赵律师${area.tag}`)
  await page.locator('[data-test="m-committees"]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: `和平社区${area.tag}人民调解委员会` }).click()
  await page.keyboard.press('Escape')
  await page.locator('[data-test="m-save"]').click()
  const row = page.locator('[data-test="roster"] tr', { hasText: `赵律师${area.tag}` })
  await row.waitFor()
  assert.match(await row.innerText(), new RegExp(`人民调解员[\\s\\S]*和平社区${area.tag}人民调解委员会`))
  assert.ok(await noHorizontalScroll(page))

  // a dispute with an agreement (through the API), then 申请司法确认 and the court's ruling on the page
  const made = ok(await apiCall(page, 'POST', '/api/v1/disputes', { unit_id: area.community.id, title: '租赁押金纠纷', type: 'land_housing', source: 'walk_in', summary: '押金未退。', parties: [{ name: '甲' }, { name: '乙' }] }))
  ok(await apiCall(page, 'POST', `/api/v1/disputes/${made.id}/mediators`, { self: true }), 200)
  ok(await apiCall(page, 'PUT', `/api/v1/disputes/${made.id}/agreement`, { facts: '押金未退。', terms: ['乙退还甲押金2000元'], party_signatures: ['甲', '乙'], mediator_signature: '调解员王' }), 200)
  await page.goto(`/disputes/${made.id}`)
  await page.locator('[data-test="judicial-request"]').click()
  await page.locator('[data-test="judicial"]').getByText('已申请司法确认').waitFor()
  const input = page.locator('[data-test="judicial-on"] input')
  await input.fill('2026-12-01')
  await input.press('Enter')
  await page.locator('[data-test="judicial-outcome"]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '裁定确认协议有效' }).click()
  await page.locator('[data-test="judicial-save"]').click()
  await page.locator('[data-test="judicial"]').getByText('裁定确认协议有效 · 2026-12-01').waitFor()
  const saved = ok(await apiCall(page, 'GET', `/api/v1/disputes/${made.id}`), 200)
  assert.deepEqual(saved.judicial, { requested: true, on: '2026-12-01', outcome: 'confirmed' })
  await page.context().close()
})
