/**
 * The balancer's last picks, as a row of tiles in front of it: one tile per request forwarded, in
 * the chosen backend's colour with its letter, oldest on the left. Round robin reads a b c a b c,
 * smooth weighted round robin a a b a c a a, and an ejected backend's letter stops appearing.
 */
import { Group } from 'three'
import { Label } from '../../primitives/labels.ts'
import type { Boxes } from '../../primitives/boxes.ts'
import type { Palette } from '../../palette.ts'
import type { LbFrame } from './frame.ts'
import { backendColor, css } from './colours.ts'
import { PICKS_SHOWN, PICKS_X0, PICKS_Z, PICK_PITCH, PICK_TILE } from './layout.ts'

const TILE_HEIGHT = 0.1

export class Picks extends Group {
  private readonly letters: Label[] = []
  private readonly caption = new Label('', 'small')

  constructor() {
    super()
    for (let i = 0; i < PICKS_SHOWN; i++) {
      const l = new Label('', 'small')
      // Bare letters on the tiles: no box of their own.
      const st = l.element.style
      st.background = 'transparent'
      st.border = 'none'
      st.fontWeight = '700'
      st.fontSize = '14px'
      l.position.set(PICKS_X0 + i * PICK_PITCH, TILE_HEIGHT, PICKS_Z)
      this.letters.push(l)
      this.add(l)
    }
    // Above the first tile, its bottom-left corner there: the row runs on to the right.
    this.caption.center.set(0, 1)
    this.caption.position.set(PICKS_X0 - PICK_TILE / 2, 0, PICKS_Z - PICK_TILE / 2 - 0.1)
    this.add(this.caption)
  }

  draw(frame: LbFrame, p: Palette, bars: Boxes, backendIndex: (name: string) => number): void {
    const shown = frame.picks.slice(-PICKS_SHOWN)
    this.caption.set(frame.picks.length > 0 ? 'the balancer’s picks, oldest first' : 'the balancer’s picks: none yet')
    for (let i = 0; i < PICKS_SHOWN; i++) {
      const name = shown[i]
      const label = this.letters[i]!
      label.visible = name !== undefined
      if (name === undefined) continue
      label.set(name)
      // The letter in the scene's background colour: dark on the bright tiles, white on the light theme's dark ones.
      label.element.style.color = css(p.background)
      bars.box(PICKS_X0 + i * PICK_PITCH, TILE_HEIGHT / 2, PICKS_Z, PICK_TILE, TILE_HEIGHT, PICK_TILE, backendColor(backendIndex(name), p))
    }
  }

  release(): void {
    for (const l of [...this.letters, this.caption]) l.element.remove()
  }
}
