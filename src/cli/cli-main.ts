/**
 * What the command-line tools (`npm run export`, `npm run bench`) share: an error that ends the
 * tool with a given exit code and a message meant for the user, and the runner of a tool's main.
 */

/** Ends the tool with `code`, printing only `message` (it says what went wrong and what to do). */
export class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Run a tool's `main`: its result is the exit code; an `Exit` prints its message and uses its code;
 * anything else is a bug, printed with its stack as "<name> failed: …", and exits with `crashCode`.
 */
export function runMain(name: string, main: () => Promise<number>, crashCode: number): void {
  main().then(
    (code) => {
      process.exitCode = code
    },
    (e: unknown) => {
      if (e instanceof Exit) {
        process.stderr.write(`${e.message}\n`)
        process.exitCode = e.code
        return
      }
      process.stderr.write(`${name} failed: ${(e as Error).stack ?? String(e)}\n`)
      process.exitCode = crashCode
    },
  )
}
