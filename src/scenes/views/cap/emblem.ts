/**
 * The C/A/P triangle as a small floor emblem: three letters joined by edges. The edge between the
 * two properties the store keeps right now is lit; the one it gives up is struck out in red.
 * Healthy network: C and A (nothing forces a choice). Partitioned: CP keeps C and P and gives up
 * A; AP keeps A and P and gives up C. P turns red while a partition is happening.
 */
import { Group, Vector3, type Color } from 'three'
import type { Disposer } from '../../primitives/disposer.ts'
import { Link, linkGeometry } from '../../primitives/link.ts'
import { LineLabel, toneColor, type LineTone } from '../../primitives/line-label.ts'
import type { Palette } from '../../palette.ts'
import type { CapMode } from '../../../sim/cap/store.ts'

type Letter = 'C' | 'A' | 'P'
const LETTERS: readonly Letter[] = ['C', 'A', 'P']
const WORDS: Record<Letter, string> = { C: 'consistent', A: 'available', P: 'partition' }

export class CapEmblem extends Group {
  private readonly corners: Record<Letter, Vector3>
  private readonly labels = {} as Record<Letter, LineLabel>
  private readonly edges: { a: Letter; b: Letter; link: Link }[] = []

  constructor(disposer: Disposer, size: number, color: Color) {
    super()
    const h = size * 0.866
    this.corners = { C: new Vector3(0, 0.02, -h * 0.62), A: new Vector3(-size / 2, 0.02, h * 0.38), P: new Vector3(size / 2, 0.02, h * 0.38) }
    const geo = linkGeometry(disposer, 0.035)
    for (const [a, b] of [['C', 'A'], ['A', 'P'], ['P', 'C']] as [Letter, Letter][]) {
      const link = new Link(disposer, geo, color, 0.3).between(this.corners[a], this.corners[b])
      this.add(link)
      this.edges.push({ a, b, link })
    }
    for (const l of LETTERS) {
      const label = new LineLabel('strong')
      label.position.copy(this.corners[l])
      this.add(label)
      this.labels[l] = label
    }
  }

  /** Which two properties hold now, as the mode and the network make them. */
  static kept(mode: CapMode, partitioned: boolean): [Letter, Letter] {
    if (!partitioned) return ['C', 'A']
    return mode === 'CP' ? ['C', 'P'] : ['A', 'P']
  }

  update(mode: CapMode, partitioned: boolean, p: Palette): void {
    const kept = CapEmblem.kept(mode, partitioned)
    for (const l of LETTERS) {
      const on = kept.includes(l)
      const lost = partitioned && !on
      const tone: LineTone = lost ? 'fault' : l === 'P' && partitioned ? 'fault' : on ? 'ok' : 'muted'
      this.labels[l].setLines([{ text: lost ? `${l} ✗` : l, tone: lost ? 'fault' : on ? 'normal' : 'muted', weight: 'strong', strike: lost }])
      this.labels[l].element.title = WORDS[l]
      this.labels[l].tint(toneColor(tone))
    }
    for (const e of this.edges) {
      const lit = kept.includes(e.a) && kept.includes(e.b)
      e.link.style(lit ? p.ok : p.muted, lit ? 0.95 : 0.25)
    }
  }

  /** The label elements (so the view can remove them on dispose). */
  labelElements(): HTMLElement[] {
    return LETTERS.map((l) => this.labels[l].element)
  }
}
