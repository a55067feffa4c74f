import { errorJson, labelsJson, queryDataJson, successJson } from '../../../../src/rest/prometheus/envelope';

const labels = (entries: Array<[string, string]>) => new Map(entries);

describe("Prometheus's envelope", () => {
  it('vector: sorted metric labels, [seconds, "value"]', () => {
    const text = successJson(
      queryDataJson({
        type: 'vector',
        samples: [{ labels: labels([['job', 'a'], ['__name__', 'up']]), t: 1700000000123, v: 1.5 }],
      }),
    );
    expect(text).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","job":"a"},"value":[1700000000.123,"1.5"]}]}}',
    );
    expect(JSON.parse(text)).toBeTruthy();
  });

  it('matrix values, scalar and string', () => {
    expect(
      queryDataJson({ type: 'matrix', series: [{ labels: labels([]), points: [{ t: 1700000000050, v: 1e-7 }, { t: 1700000000550, v: 2 }] }] }),
    ).toBe('{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000.050,"1e-07"],[1700000000.550,"2"]]}]}');
    expect(queryDataJson({ type: 'scalar', t: 1700000000100, v: 1e21 })).toBe(
      '{"resultType":"scalar","result":[1700000000.1,"1000000000000000000000"]}',
    );
    expect(queryDataJson({ type: 'string', t: 1700000000050, v: 'abc' })).toBe('{"resultType":"string","result":[1700000000.05,"abc"]}');
    expect(queryDataJson({ type: 'vector', samples: [] })).toBe('{"resultType":"vector","result":[]}');
  });

  it("escapes as Go's encoder does, and keeps __proto__ a key", () => {
    const text = labelsJson(labels([['__proto__', '<a&b>'], ['x', '"\n']]));
    expect(text).toBe('{"__proto__":"\\u003ca\\u0026b\\u003e","x":"\\"\\n"}');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['__proto__', 'x']);
  });

  it('errors', () => {
    expect(errorJson('bad_data', 'invalid parameter "time": x')).toBe(
      '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"time\\": x"}',
    );
  });
});
