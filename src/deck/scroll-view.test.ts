import { describe, expect, it } from 'vitest'
import { hashIndices } from './scroll-view.ts'

describe('hashIndices', () => {
  it('reads #/h, #/h/v and #/h/v/f', () => {
    expect(hashIndices('#/3')).toEqual({ h: 3, v: 0, f: -1 })
    expect(hashIndices('#/3/2')).toEqual({ h: 3, v: 2, f: -1 })
    expect(hashIndices('#/3/2/1')).toEqual({ h: 3, v: 2, f: 1 })
    expect(hashIndices('#/3/2/1/')).toEqual({ h: 3, v: 2, f: 1 })
  })
  it('leaves anything else to reveal.js', () => {
    for (const hash of ['', '#', '#/', '#/intro', '#/1/x', '#/1/2/3/4']) expect(hashIndices(hash)).toBeNull()
  })
})
