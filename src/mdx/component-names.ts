/** The component names authors may use: checked at build time by remark-slides.ts. */
export const AUTHOR_COMPONENTS = ['Step', 'Notes', 'Columns', 'Col', 'Cards', 'Card', 'Kicker', 'Scene'] as const
