// Start @atproto/dev-env's TestNetwork (PLC + PDS + Bluesky AppView + Ozone) on 127.0.0.1 only,
// for Tandem's Bluesky connector tests. Started by scripts/bluesky-network; see
// docs/connectors/bluesky.md ("Testing against a local network").
// Needs a reachable PostgreSQL: DB_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/bsky).
// Env: PLC_PORT (2582), PDS_PORT (2583), BSKY_PORT (2584), OZONE_PORT (2587), DB_POSTGRES_SCHEMA (tandem).
'use strict'
const net = require('node:net')

// Every server in the network calls listen(port) without a host, which binds all interfaces;
// default the host to 127.0.0.1 instead so nothing is reachable from outside the machine.
const origListen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && args[0].port !== undefined && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return origListen.apply(this, args)
}

// TestNetwork asserts REDIS_HOST is set, but the AppView config it builds never connects to it.
process.env.REDIS_HOST = process.env.REDIS_HOST || '127.0.0.1:6379'
process.env.LOG_ENABLED = process.env.LOG_ENABLED || 'false'

const { TestNetwork } = require('@atproto/dev-env')

const int = (name, dflt) => parseInt(process.env[name] || String(dflt), 10)

async function main() {
  const dbPostgresUrl = process.env.DB_POSTGRES_URL
  if (!dbPostgresUrl) throw new Error('DB_POSTGRES_URL is required')
  const network = await TestNetwork.create({
    dbPostgresUrl,
    dbPostgresSchema: process.env.DB_POSTGRES_SCHEMA || 'tandem',
    plc: { port: int('PLC_PORT', 2582) },
    pds: { port: int('PDS_PORT', 2583), hostname: 'localhost', enableDidDocWithSession: true },
    bsky: { port: int('BSKY_PORT', 2584), publicUrl: `http://localhost:${int('BSKY_PORT', 2584)}` },
    ozone: { port: int('OZONE_PORT', 2587) },
  })
  console.log(
    `READY plc=${network.plc.url} pds=${network.pds.url} bsky=${network.bsky.url} ozone=${network.ozone.url}`,
  )

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const timer = setTimeout(() => process.exit(1), 15000)
    try {
      await network.close()
    } finally {
      clearTimeout(timer)
      process.exit(0)
    }
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err) => {
  console.error('FAILED', err)
  process.exit(1)
})
