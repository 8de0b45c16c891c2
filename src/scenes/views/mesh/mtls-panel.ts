/**
 * mTLS: the mesh CA (control plane) sits at the back with a faint line to every sidecar it
 * certifies. Each trusted sidecar shows its certificate (serial, time to expiry, "renewed" once
 * rotated) with a green ring that drains over the certificate's lifetime; an established
 * connection carries a closed green padlock (open and gold while handshaking). An outsider's
 * sidecar is grey and shows its self-signed certificate in red; when its handshake is refused,
 * its message stops, red, on a red shell round the refusing sidecar.
 */
import { BoxGeometry, type Color, Group, Mesh, MeshBasicMaterial, MeshStandardMaterial, SphereGeometry, TorusGeometry, Vector3 } from 'three'
import { Link, linkGeometry } from '../../primitives/link.ts'
import { TimerRing } from '../../primitives/timer-ring.ts'
import { arcPoint } from '../../primitives/particles.ts'
import type { Label } from '../../primitives/labels.ts'
import type { Disposer } from '../../primitives/disposer.ts'
import type { MeshFrame } from './frame.ts'
import { LIFT, REFUSED_GAP, refusedAt, type Panel, type PanelHost } from './panel.ts'
import { tone } from './text.ts'

const OFFSET = new Vector3(0.7, 0, 0.3)
const CA_AT = new Vector3(0, 0.2, -1.95)
const seconds = (ms: number): string => `${(Math.max(0, ms) / 1000).toFixed(1)} s`

/** A padlock: a box body and a half-torus shackle that lifts when open. */
class Padlock extends Group {
  readonly body: Mesh<BoxGeometry, MeshStandardMaterial>
  private readonly shackle: Mesh<TorusGeometry, MeshStandardMaterial>

  constructor(d: Disposer) {
    super()
    const mat = d.track(new MeshStandardMaterial({ roughness: 0.4, metalness: 0.2 }))
    this.body = new Mesh(d.track(new BoxGeometry(0.4, 0.32, 0.14)), mat)
    this.shackle = new Mesh(d.track(new TorusGeometry(0.13, 0.04, 8, 20, Math.PI)), mat)
    this.shackle.position.y = 0.16
    this.add(this.body, this.shackle)
  }

  set(open: boolean, color: Color): void {
    this.body.material.color.copy(color)
    this.body.material.emissive.copy(color)
    this.body.material.emissiveIntensity = 0.45
    this.shackle.position.y = open ? 0.27 : 0.16
  }
}

export class MtlsPanel implements Panel {
  private readonly lock: Padlock
  private readonly connLabel: Label
  private readonly certs = new Map<string, { label: Label; ring: TimerRing }>()
  private readonly stuck: Mesh<SphereGeometry, MeshBasicMaterial>
  private readonly shield: Mesh<SphereGeometry, MeshBasicMaterial>
  private readonly refusedLabel: Label
  private readonly tally: Label
  private readonly ca: Mesh<BoxGeometry, MeshStandardMaterial>
  private readonly caLinks = new Map<string, Link>()
  private readonly mid: Vector3
  private readonly tmp = new Vector3()

  constructor(private readonly host: PanelHost) {
    const { d, world, layout } = host
    const p = host.palette()
    const a = layout.slots.frontend!.sidecar
    const b = layout.slots.payments!.sidecar
    this.mid = a.clone().add(b).multiplyScalar(0.5)
    this.lock = new Padlock(d)
    // On the link, under the arc the messages fly along.
    this.lock.position.set(this.mid.x, this.mid.y, this.mid.z)
    this.connLabel = host.label('', 'small')
    this.connLabel.position.set(this.mid.x, 0, this.mid.z + 0.6)
    world.add(this.lock, this.connLabel)
    for (const [name, slot] of Object.entries(layout.slots)) {
      const label = host.label('', 'small', true)
      // Below the sidecar, toward the camera, leaning outward (clear of links coming in from the middle).
      const outward = Math.sign(slot.service.x - slot.sidecar.x) * 0.35
      label.position.set(slot.sidecar.x + (name === 'intruder' ? 0 : outward), 0, slot.sidecar.z + 0.75)
      const ring = new TimerRing(d, 0.27, 0.33, p.ok)
      ring.position.set(slot.sidecar.x, 0.03, slot.sidecar.z)
      world.add(label, ring)
      this.certs.set(name, { label, ring })
    }
    this.stuck = new Mesh(d.track(new SphereGeometry(0.1, 14, 10)), d.track(new MeshBasicMaterial({ color: p.fault })))
    this.shield = new Mesh(d.track(new SphereGeometry(REFUSED_GAP, 28, 16)), d.track(new MeshBasicMaterial({ color: p.fault, transparent: true, opacity: 0.22, depthWrite: false })))
    this.refusedLabel = host.label('', 'small')
    this.tally = host.label('', 'small')
    // Right-aligned at the front right: clear of the intruder and its certificate.
    this.tally.center.set(1, 0.5)
    this.tally.position.set(3.0, 0, 2.75)
    world.add(this.stuck, this.shield, this.refusedLabel, this.tally)

    // The control plane's CA at the back, with a faint line to every sidecar it gives a certificate.
    this.ca = new Mesh(d.track(new BoxGeometry(0.5, 0.3, 0.5)), d.track(new MeshStandardMaterial({ color: p.muted, roughness: 0.6 })))
    this.ca.position.copy(CA_AT)
    const caLabel = host.label('mesh CA (control plane)', 'small')
    caLabel.position.set(CA_AT.x, CA_AT.y + 0.5, CA_AT.z)
    world.add(this.ca, caLabel)
    const thin = linkGeometry(d, 0.012)
    for (const [name, slot] of Object.entries(layout.slots)) {
      const l = new Link(d, thin, p.muted, 0.35).between(CA_AT, slot.sidecar)
      world.add(l)
      this.caLinks.set(name, l)
    }
  }

  draw(frame: MeshFrame): void {
    const p = this.host.palette()
    const conn = frame.connections.find((c) => c.from === 'frontend.proxy' && c.to === 'payments.proxy')
    this.lock.visible = !!conn
    this.connLabel.visible = !!conn
    if (conn) {
      const up = conn.state === 'established'
      this.lock.set(!up, up ? p.ok : p.leader)
      this.connLabel.set(up ? `mTLS · certs #${conn.serials[0]} ↔ #${conn.serials[1] ?? '?'}` : `handshake · cert #${conn.serials[0]} offered`)
      tone(this.connLabel, up ? p.ok : p.leader)
    }
    const link = this.host.links.get('frontend>payments')
    if (link && conn?.state === 'established') link.style(p.ok, 0.75)

    this.ca.material.color.copy(p.muted)
    for (const [name, { label, ring }] of this.certs) {
      const w = frame.workloads.find((x) => x.name === name)
      // Only the mesh's own workloads get their certificates from the CA.
      this.caLinks.get(name)?.style(p.muted, w?.trusted ? 0.35 : 0)
      label.visible = !!w
      ring.visible = !!w
      if (!w) continue
      const cert = w.cert
      if (!w.trusted || !cert) {
        label.set('self-signed certificate\nnot from the mesh CA')
        tone(label, p.fault)
        ring.setFraction(0)
        continue
      }
      const renewed = cert.notBefore > 0
      label.set(`cert #${cert.serial}${renewed ? ' · renewed' : ''}\n${w.certValid ? `expires in ${seconds(cert.notAfter - frame.time)}` : 'expired'}`)
      tone(label, w.certValid ? p.ok : p.fault)
      ring.material.color.copy(w.certValid ? p.ok : p.fault)
      ring.setFraction(w.certValid ? (cert.notAfter - frame.time) / Math.max(1, cert.notAfter - cert.notBefore) : 0)
    }

    // The last refused handshake: its message stuck at the refusing sidecar, against a red shield.
    const r = frame.refusal
    const by = r ? this.sidecarOf(r.from) : null
    const peer = r ? this.sidecarOf(r.to) : null
    const refused = !!(r && by && peer && r.at <= frame.time)
    this.stuck.visible = refused
    this.shield.visible = refused
    this.refusedLabel.visible = refused
    const intruderLink = this.host.links.get('intruder>payments')
    if (refused && r && by && peer) {
      const distance = peer.distanceTo(by)
      arcPoint(peer, by, refusedAt(distance), LIFT * distance, this.tmp)
      this.stuck.position.copy(this.tmp)
      this.stuck.material.color.copy(p.fault)
      // A red shell around the refusing sidecar: the message got no further.
      this.shield.position.copy(by)
      this.shield.material.color.copy(p.fault)
      this.refusedLabel.set(`handshake refused: ${r.problem}`)
      tone(this.refusedLabel, p.fault)
      // Along the refused peer's link, halfway: the red line and its reason read together.
      this.refusedLabel.position.copy(peer).lerp(by, 0.5).add(OFFSET)
      intruderLink?.style(p.fault, 0.4)
    }
    this.tally.set(`t = ${seconds(frame.time)} · handshakes: ${frame.handshakes.accepted} accepted · ${frame.handshakes.refused} refused`)
    tone(this.tally, frame.handshakes.refused > 0 ? p.fault : null)
  }

  private sidecarOf(node: string): Vector3 | null {
    const name = node.endsWith('.proxy') ? node.slice(0, -'.proxy'.length) : node
    return this.host.layout.slots[name]?.sidecar ?? null
  }
}
