/**
 * The components lecture authors use in slides/*.mdx (no import needed). They render plain
 * reveal.js markup; the deck layer reads it back from the DOM (steps from data-step, notes from
 * aside.notes), so nothing here holds state.
 */
import type { ReactNode } from 'react'

type WithChildren = { children?: ReactNode }

/** A reveal.js fragment that names the step it reveals; a <Notes> inside is that step's note. */
export function Step({ name, children }: WithChildren & { name: string }) {
  return (
    <div className="fragment step" data-step={name}>
      {children}
    </div>
  )
}

/** Speaker notes: shown in the speaker view, in study mode and (optionally) in the PDF. */
export function Notes({ children }: WithChildren) {
  return <aside className="notes">{children}</aside>
}

/** Two columns; on concept slides the scene goes left and the text right. */
export function Columns({ children }: WithChildren) {
  return <div className="columns">{children}</div>
}

export function Col({ children }: WithChildren) {
  return <div className="col">{children}</div>
}

/** A grid of small titled boxes, for definitions that come in twos, threes or fours. */
export function Cards({ children }: WithChildren) {
  return <div className="cards">{children}</div>
}

export function Card({ title, children }: WithChildren & { title: string }) {
  return (
    <div className="card">
      <h3 className="card-title">{title}</h3>
      {children}
    </div>
  )
}

/**
 * A live 3D view of a simulation scenario; the slide's <Step>s drive it through the scenario's
 * checkpoints. The deck binds the host (src/deck/scene-binding.ts): data-step, data-ready and the
 * role="status" narration are filled in there. Props are checked at build time (scene-props.ts).
 */
export function Scene({ kind, scenario, seed = 7, label }: { kind: string; scenario: string; seed?: number; label?: string }) {
  return (
    <figure className="scene" data-scene={kind} data-scenario={scenario} data-seed={seed} data-step="" data-ready="false" aria-label={label ?? `3D simulation: ${kind}, ${scenario}`}>
      <div className="scene-surface">
        <p className="scene-fallback">The 3D view needs WebGL, which this browser has turned off. The narration below describes every step.</p>
      </div>
      <figcaption role="status" aria-live="polite" className="scene-narration"></figcaption>
    </figure>
  )
}

/** A small label above a slide's heading ("Concept 02"). */
export function Kicker({ children }: WithChildren) {
  return <p className="kicker">{children}</p>
}

type SectionProps = WithChildren & { 'data-source'?: string; 'data-file'?: string; 'data-title'?: string }

/** One slide (added by the build: remark-slides.ts). */
export function Slide({ children, ...data }: SectionProps) {
  return <section {...data}>{children}</section>
}

/** A file with several slides: a reveal.js vertical stack (added by the build). */
export function Stack({ children, ...data }: SectionProps) {
  return <section {...data}>{children}</section>
}

export const authorComponents = { Step, Notes, Columns, Col, Cards, Card, Kicker, Scene }
export const deckComponents = { ...authorComponents, Slide, Stack }
