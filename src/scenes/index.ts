// The scenes layer's public face for the deck (loaded lazily: this pulls in three.js).
export { Stage, NoWebGLError, type StageOptions, type Snapshot } from './stage.ts'
export { readPalette, type Palette } from './palette.ts'
export { loadView } from './views/index.ts'
export type { SceneView, ViewFactory, ViewContext } from './types.ts'
