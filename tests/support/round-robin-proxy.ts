// A load balancer for tests: each request goes to the next of several app servers in turn, with
// the client's Host header kept (the servers' cross-site check compares Origin with it), so that
// consecutive requests of one signed-in client, and the two halves of a double click, are served
// by different processes.
import { createServer, request as forward } from "node:http";
import type { AddressInfo } from "node:net";

export type RoundRobinProxy = { origin: string; served: number[]; close: () => Promise<void> };

export async function startRoundRobinProxy(backends: string[]): Promise<RoundRobinProxy> {
  const targets = backends.map((origin) => new URL(origin));
  const served = targets.map(() => 0);
  let next = 0;
  const server = createServer((req, res) => {
    const i = next++ % targets.length;
    served[i]!++;
    const target = targets[i]!;
    const upstream = forward({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
