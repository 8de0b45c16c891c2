import { describe, expect, it } from 'vitest'
import { PLAIN_MAIN_JS, extractSlidesMarkup, plainDeckHtml } from './bench-plain-deck.ts'

describe('extractSlidesMarkup', () => {
  it('returns the .slides element with its nested divs, exactly as written', () => {
    const slides = '<div class="slides"><section><div class="columns"><div>a</div><div>b</div></div></section><section><p>c</p></section></div>'
    const html = `<html><body><div class="reveal">\n${slides}\n</div><div>after</div></body></html>`
    expect(extractSlidesMarkup(html)).toBe(slides)
  })
  it('handles attributes on nested divs and self-closing ones', () => {
    const slides = `<div class="slides"><div data-x="1" class='y'><div/></div></div>`
    expect(extractSlidesMarkup(`<div class="reveal">${slides}</div>`)).toBe(slides)
  })
  it('fails clearly without a .slides element, or when it is not closed', () => {
    expect(() => extractSlidesMarkup('<div class="reveal"></div>')).toThrow(/no <div class="slides">/)
    expect(() => extractSlidesMarkup('<div class="slides"><div>')).toThrow(/not closed/)
  })
})

describe('the plain deck', () => {
  it('is the same markup inside .reveal, with reveal.js, its CSS and the notes plugin only', () => {
    const html = plainDeckHtml('<div class="slides"><section>Hi</section></div>')
    expect(html).toContain('<div class="reveal">')
    expect(html).toContain('<div class="slides"><section>Hi</section></div>')
    expect(html).toContain('<script type="module" src="./main.js"></script>')
    expect(html).not.toContain('stylesheet')
    expect(PLAIN_MAIN_JS).toContain("import Reveal from 'reveal.js'")
    expect(PLAIN_MAIN_JS).toContain("import 'reveal.js/reveal.css'")
    expect(PLAIN_MAIN_JS).toContain("from 'reveal.js/plugin/notes'")
    expect(PLAIN_MAIN_JS).toMatch(/new Reveal\(document\.querySelector\('\.reveal'\), \{ hash: true/)
    expect(PLAIN_MAIN_JS).toContain('.initialize()')
  })
})
