// Starts the Treasure Hunt binary for the JS tests: on a free port, with a fresh SQLite file, waiting until ready.
// TREASURE_HUNT_BIN names another binary than target/debug/treasure-hunt.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BINARY = process.env.TREASURE_HUNT_BIN ?? join(ROOT, "target", "debug", "treasure-hunt");

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** `treasure-hunt serve ...args` on a fresh database; resolves to `{ url, stop }` once ready. */
export async function startServer(args = []) {
  const workdir = mkdtempSync(join(tmpdir(), "hunt-js-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, DATABASE_URL: `sqlite://${join(workdir, "hunts.db")}?mode=rwc`, RUST_LOG: "warn" };
  delete env.HUNT_JWT_SECRET;
  const server = spawn(BINARY, ["serve", "--listen", `127.0.0.1:${port}`, ...args], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () => {
    server.kill("SIGTERM");
    rmSync(workdir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error("the Treasure Hunt server did not become ready");
}
