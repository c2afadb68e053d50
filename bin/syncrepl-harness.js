#!/usr/bin/env node
// Entry point of the `syncrepl-harness` command. The project ships TypeScript sources and runs
// them through tsx's loader, so there is no build step between a clone and a working command.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../tools/cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
