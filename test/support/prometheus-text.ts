/** One sample of Prometheus' text format: its metric name, its labels, its value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a `/metrics` answer (comment lines left out). Label values here hold no quotes or commas. */
export function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        (match[2] ? match[2].split(',') : []).map((pair) => {
          const [key, quoted] = pair.split('=');
          return [key, JSON.parse(quoted) as string];
        }),
      );
      return { name: match[1], labels, value: Number(match[3]) };
    });
}

/** The value of the sample `name` with exactly these labels, or undefined when there is none. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).toSorted());
  return samples.find(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).toSorted()) === wanted,
  )?.value;
}

/** `# TYPE` lines: each metric's name and type. */
export function metricTypes(text: string): Record<string, string> {
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match) types[match[1]] = match[2];
  }
  return types;
}
