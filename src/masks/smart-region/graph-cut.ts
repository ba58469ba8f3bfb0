// A colour-model graph cut (GrabCut-style, Rother et al. 2004, one round): the labelling
// x ∈ {0, 1} of the domain minimising
//   Σ_i γ·(x_i ? −ln p_i : −ln(1 − p_i)) + λ·Σ_{ij} w_ij [x_i ≠ x_j] + λ·Σ_i (x_i ? toKeep_i : toFg_i)
// with the seeds fixed at 1, as an s-t minimum cut (source side = fg) found by Dinic's
// max-flow algorithm.
import type { ClickProblem } from './problem.ts';

export interface GraphCutSettings {
  /** unary weight γ */
  prior: number;
  /** pairwise weight λ */
  smooth: number;
}

/** A flow network with integer-free capacities; Dinic's algorithm (BFS levels, DFS blocking flows). */
export class FlowNetwork {
  private head: Int32Array;
  private to: number[] = [];
  private cap: number[] = [];
  private next: number[] = [];

  constructor(readonly nodes: number) {
    this.head = new Int32Array(nodes).fill(-1);
  }

  /** an arc u→v of capacity c and its reverse v→u of capacity rc */
  addEdge(u: number, v: number, c: number, rc = 0): void {
    this.push(u, v, c);
    this.push(v, u, rc);
  }

  private push(u: number, v: number, c: number): void {
    this.to.push(v);
    this.cap.push(c);
    this.next.push(this.head[u]);
    this.head[u] = this.to.length - 1;
  }

  /** the maximum flow from s to t (capacities become residuals) */
  maxFlow(s: number, t: number): number {
    const n = this.nodes;
    const to = Int32Array.from(this.to);
    const next = Int32Array.from(this.next);
    const cap = Float64Array.from(this.cap);
    const level = new Int32Array(n);
    const iter = new Int32Array(n);
    const queue = new Int32Array(n);
    const stack = new Int32Array(n);
    const viaEdge = new Int32Array(n);
    let flow = 0;
    const eps = 1e-12;
    for (;;) {
      level.fill(-1);
      level[s] = 0;
      let qh = 0;
      let qt = 0;
      queue[qt++] = s;
      while (qh < qt) {
        const u = queue[qh++];
        for (let e = this.head[u]; e >= 0; e = next[e]) {
          const v = to[e];
          if (cap[e] > eps && level[v] < 0) {
            level[v] = level[u] + 1;
            queue[qt++] = v;
          }
        }
      }
      if (level[t] < 0) break;
      iter.set(this.head);
      // iterative DFS for augmenting paths along the level graph
      for (;;) {
        let sp = 0;
        stack[sp++] = s;
        let found = false;
        while (sp > 0) {
          const u = stack[sp - 1];
          if (u === t) {
            found = true;
            break;
          }
          let advanced = false;
          for (; iter[u] >= 0; iter[u] = next[iter[u]]) {
            const e = iter[u];
            const v = to[e];
            if (cap[e] > eps && level[v] === level[u] + 1) {
              viaEdge[v] = e;
              stack[sp++] = v;
              advanced = true;
              break;
            }
          }
          if (!advanced) {
            level[u] = -1;
            sp--;
            if (sp > 0) {
              const parent = stack[sp - 1];
              iter[parent] = next[iter[parent]];
            }
          }
        }
        if (!found) break;
        let f = Infinity;
        for (let k = sp - 1; k > 0; k--) f = Math.min(f, cap[viaEdge[stack[k]]]);
        for (let k = sp - 1; k > 0; k--) {
          const e = viaEdge[stack[k]];
          cap[e] -= f;
          cap[e ^ 1] += f;
        }
        flow += f;
      }
    }
    this.residual = { to, next, cap };
    return flow;
  }

  private residual: { to: Int32Array; next: Int32Array; cap: Float64Array } | null = null;

  /** after maxFlow: 1 for nodes reachable from s in the residual network (the source side of a minimum cut) */
  sourceSide(s: number): Uint8Array {
    if (!this.residual) throw new Error('sourceSide before maxFlow');
    const { to, next, cap } = this.residual;
    const side = new Uint8Array(this.nodes);
    const stack = [s];
    side[s] = 1;
    while (stack.length) {
      const u = stack.pop()!;
      for (let e = this.head[u]; e >= 0; e = next[e]) {
        const v = to[e];
        if (!side[v] && cap[e] > 1e-12) {
          side[v] = 1;
          stack.push(v);
        }
      }
    }
    return side;
  }
}

const INF = 1e18;

/** 1 for fg nodes, 0 for keep. */
export function graphCut(pb: ClickProblem, s: GraphCutSettings): Float64Array {
  const m = pb.pixel.length;
  const S = m;
  const T = m + 1;
  const net = new FlowNetwork(m + 2);
  for (let i = 0; i < m; i++) {
    const p = Math.min(Math.max(pb.prior[i], 1e-6), 1 - 1e-6);
    // cost of keep (x=0) goes on s→i, cost of fg (x=1) on i→t; only their difference matters
    let toSource = s.prior * -Math.log(1 - p) + s.smooth * pb.toFg[i];
    let toSink = s.prior * -Math.log(p) + s.smooth * pb.toKeep[i];
    if (pb.seed[i]) toSource = INF;
    const common = Math.min(toSource, toSink);
    toSource -= common;
    toSink -= common;
    if (toSource > 0) net.addEdge(S, i, toSource);
    if (toSink > 0) net.addEdge(i, T, toSink);
    for (let e = pb.start[i]; e < pb.start[i + 1]; e++) {
      const j = pb.nbr[e];
      // each undirected pair once, with capacity both ways
      if (j > i) net.addEdge(i, j, s.smooth * pb.wt[e], s.smooth * pb.wt[e]);
    }
  }
  net.maxFlow(S, T);
  const side = net.sourceSide(S);
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = side[i];
  return x;
}
