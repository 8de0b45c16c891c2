/**
 * Circuit breaker: the link between the two sidecars carries a knife switch. Closed, the blade
 * lies flat and green; open, it stands up, red, and the link is broken ("OPEN"); half-open, it is
 * raised halfway, orange, while trial calls go through. A board in front shows the frontend's
 * last calls in order: green 200, red 503 from payments, faint red for calls the open circuit
 * failed fast at the frontend's own sidecar (they never left it).
 */
import { Color, Mesh, MeshStandardMaterial, SphereGeometry, Vector3 } from 'three'
import { Bars } from '../../primitives/bars.ts'
import { Link, linkGeometry } from '../../primitives/link.ts'
import type { Label } from '../../primitives/labels.ts'
import type { BreakerState } from '../../../sim/mesh/circuit-breaker.ts'
import { OUTCOMES_SHOWN, type MeshFrame } from './frame.ts'
import { Board, type Panel, type PanelHost } from './panel.ts'
import { legend, tone } from './text.ts'

const BLADE = 1.0
const ANGLE: Record<BreakerState, number> = { closed: 0, 'half-open': 0.42, open: 0.95 }
const WIDTH = 6.5
const HEIGHT = 1.45
const PITCH = 0.44
const CUBE = 0.34

export class BreakerPanel implements Panel {
  private readonly left: Link
  private readonly right: Link
  private readonly blade: Link
  private readonly knobs: Mesh<SphereGeometry, MeshStandardMaterial>[]
  private readonly pivot: Vector3
  private readonly contact: Vector3
  private readonly state: Label
  private readonly detail: Label
  private readonly board: Board
  private readonly bars: Bars
  private readonly title: Label
  private readonly key: Label
  private readonly faint = new Color()
  private readonly tip = new Vector3()

  constructor(private readonly host: PanelHost) {
    const { d, world, layout } = host
    const p = host.palette()
    const a = layout.slots.frontend!.sidecar
    const b = layout.slots.payments!.sidecar
    const mid = a.clone().add(b).multiplyScalar(0.5)
    this.pivot = mid.clone().setX(mid.x - BLADE / 2)
    this.contact = mid.clone().setX(mid.x + BLADE / 2)
    const thin = linkGeometry(d, 0.03)
    const thick = linkGeometry(d, 0.055)
    this.left = new Link(d, thin, p.ok, 0.8).between(a, this.pivot)
    this.right = new Link(d, thin, p.ok, 0.8).between(this.contact, b)
    this.blade = new Link(d, thick, p.ok, 1)
    const knobGeo = d.track(new SphereGeometry(0.075, 16, 10))
    this.knobs = [this.pivot, this.contact].map((at) => {
      const k = new Mesh(knobGeo, d.track(new MeshStandardMaterial({ color: p.muted, roughness: 0.5 })))
      k.position.copy(at)
      return k
    })
    this.state = host.label('', 'strong')
    this.state.position.set(mid.x, mid.y + 1.3, mid.z - 0.55)
    this.detail = host.label('', 'small')
    this.detail.position.set(mid.x, mid.y + 0.95, mid.z - 0.55)
    world.add(this.left, this.right, this.blade, ...this.knobs, this.state, this.detail)

    // A shorter board than the retry timeline's, so it sits a little closer to the link.
    this.board = new Board(d, (layout.board ?? new Vector3(0, 0, 3)).clone().setZ((layout.board?.z ?? 3) - 0.4), WIDTH, HEIGHT, p.grid)
    this.bars = d.track(new Bars(d, OUTCOMES_SHOWN * 2))
    this.title = host.label('', 'small')
    this.title.position.set(0, HEIGHT - 0.22, 0.05)
    this.key = host.label('', 'small')
    this.key.position.set(0, 0.22, 0.05)
    this.board.add(this.bars, this.title, this.key)
    world.add(this.board)
  }

  draw(frame: MeshFrame): void {
    const p = this.host.palette()
    const b = frame.breaker
    const state: BreakerState = b?.state ?? 'closed'
    const color = state === 'closed' ? p.ok : state === 'open' ? p.fault : p.candidate
    this.host.links.get('frontend>payments')?.style(p.muted, 0)
    this.left.style(color, 0.85)
    this.right.style(color, state === 'open' ? 0.3 : 0.85)
    const angle = ANGLE[state]
    this.tip.set(this.pivot.x + BLADE * Math.cos(angle), this.pivot.y + BLADE * Math.sin(angle), this.pivot.z)
    this.blade.between(this.pivot, this.tip)
    this.blade.style(color, 1)
    for (const k of this.knobs) k.material.color.copy(color)

    this.state.set(state === 'closed' ? 'CLOSED' : state === 'open' ? 'OPEN' : 'HALF-OPEN')
    tone(this.state, color)
    if (b) {
      const c = b.config
      const wait = b.openedAt !== null ? Math.max(0, b.openedAt + c.waitDurationInOpenStateMs - frame.time) : c.waitDurationInOpenStateMs
      this.detail.set(
        state === 'closed' ? `${b.failures} of ${b.calls} calls failed · opens at ≥ ${c.failureRateThreshold}% of ≥ ${c.minimumNumberOfCalls} calls`
        : state === 'open' ? `failing fast: ${b.shortCircuited} calls refused · ${wait > 0 ? `half-open in ${(wait / 1000).toFixed(1)} s` : 'next call is a trial'}`
        : `trial calls: ${b.trialsStarted} of ${c.permittedNumberOfCallsInHalfOpenState} let through · ${b.trialsDone} answered`,
      )
    }
    tone(this.detail, state === 'closed' ? null : color)

    // The strip: oldest on the left, newest on the right.
    this.faint.copy(p.fault).lerp(p.background, 0.5)
    this.bars.begin()
    const y = HEIGHT / 2 - 0.02
    const first = -((OUTCOMES_SHOWN - 1) * PITCH) / 2
    for (let i = 0; i < OUTCOMES_SHOWN; i++) {
      const o = frame.outcomes[i]
      const x = first + i * PITCH
      if (!o) this.bars.bar(x - CUBE / 2, x + CUBE / 2, y, 0.04, p.muted)
      else if (o.fast) this.bars.bar(x - CUBE / 2, x + CUBE / 2, y, CUBE * 0.55, this.faint)
      else this.bars.bar(x - CUBE / 2, x + CUBE / 2, y, CUBE, o.ok ? p.ok : p.fault)
    }
    this.bars.end()
    this.title.set(`the frontend's last ${OUTCOMES_SHOWN} calls, oldest → newest`)
    legend(this.key, [['■ 200 ok   ', p.ok], ['■ 503 from payments   ', p.fault], ['▬ failed fast at the sidecar', p.fault]])
  }

  setPalette(): void {
    this.board.setColor(this.host.palette().grid)
  }
}
