/**
 * The figure render service of a batch of notebooks (scripts/execute-notebooks.py starts it through
 * `node dist/lib/cli/figure-service.js`): one headless Chromium with plotly.js loaded into a few pages,
 * answering every kernel of the batch over HTTP on 127.0.0.1. Each kernel would otherwise launch a
 * browser, open a page and load plotly.js (3.5 MB) for its first figure: seconds of a core, paid
 * once per notebook. The browser, the pages and the drawing are figure-render.ts's own, so a figure
 * comes out with the bytes a kernel's own browser gives it.
 *
 * POST <url> with a RenderRequest answers a RenderAnswer, both as V8's structured clone
 * (figure-render.ts says why): the PNG and the SVG, or the error. The URL holds a random token, so
 * only a process it was given to can use it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { deserialize, serialize } from 'node:v8';
import { FigureRenderer, launchFigureRenderer, RenderAnswer, RenderRequest } from './figure-render';

export interface FigureService {
  /** Where kernels send their figures (FIGURE_RENDER_SERVICE). */
  url: string;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Answers one request: a figure drawn on a free page, or the error that stopped it. */
async function answer(renderer: FigureRenderer, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let body: RenderAnswer;
  try {
    const { figure, size } = deserialize(await readBody(request)) as RenderRequest;
    body = await renderer.render(figure, size);
  } catch (error) {
    body = { error: (error as Error).message };
  }
  response.writeHead('error' in body ? 500 : 200, { 'content-type': 'application/octet-stream' });
  response.end(serialize(body));
}

/**
 * Serves at once, and launches the browser with `pages` plotly pages (one per notebook drawn at
 * once) meanwhile: the first figures wait for them, the kernels' start-up does not.
 * @throws Error when the figure font or Chromium is missing (with what to do)
 */
export async function startFigureService(pages: number): Promise<FigureService> {
  const renderer = launchFigureRenderer(pages);
  const path = `/${randomBytes(16).toString('hex')}/render`;
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    void answer(renderer, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await renderer.close();
    },
  };
}
