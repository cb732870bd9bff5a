import http from 'node:http';
import type { INestApplication } from '@nestjs/common';

/** One server-sent event: its `event:` type (when given) and its `data:` parsed as JSON. */
export interface ServerSentEvent {
  type?: string;
  data: unknown;
}

/** An open SSE response, read as it arrives. */
export interface EventStream {
  status: number;
  events: ServerSentEvent[];
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  /** Whether the server ended the response. */
  readonly isEnded: boolean;
  /** Ends it from the client's side. */
  close(): void;
}

/** The body of an answer that is not an event stream (an error). */
export interface RefusedStream {
  status: number;
  body: unknown;
}

/** The app listening on an ephemeral port of 127.0.0.1 (supertest does not read a response as it streams). */
export async function listeningBase(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** GET `url` as an EventSource does; resolves once the headers are in (the server is subscribed by then). */
export function openEventStream(url: string, authorization?: string): Promise<EventStream | RefusedStream> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (authorization) headers.authorization = authorization;
    const request = http.get(url, { headers }, (response) => {
      response.setEncoding('utf8');
      let text = '';
      if (!response.headers['content-type']?.startsWith('text/event-stream')) {
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        return;
      }
      const events: ServerSentEvent[] = [];
      let isEnded = false;
      const ended = new Promise<void>((done) =>
        response.on('close', () => {
          isEnded = true;
          done();
        }),
      );
      response.on('data', (chunk: string) => {
        text += chunk;
        let boundary: number;
        while ((boundary = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, boundary);
          text = text.slice(boundary + 2);
          const event = parseEvent(block);
          if (event) events.push(event);
        }
      });
      resolve({
        status: response.statusCode ?? 0,
        events,
        ended,
        get isEnded() {
          return isEnded;
        },
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

function parseEvent(block: string): ServerSentEvent | null {
  let type: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) type = line.slice('event: '.length);
    else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
  }
  if (data.length === 0) return null;
  return { ...(type === undefined ? {} : { type }), data: JSON.parse(data.join('\n')) };
}

/** Whether `stream` ended within `ms`. */
export async function endsWithin(stream: EventStream, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([stream.ended.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
