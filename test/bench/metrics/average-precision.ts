// Average precision of one class's scores against binary truth (the area under the
// precision–recall curve as sklearn's average_precision_score: Σ (R_k − R_{k−1}) · P_k over
// descending score cut-offs, tied scores forming one cut-off). NaN without positives.
export function averagePrecision(scores: readonly number[], truth: readonly boolean[]): number {
  if (scores.length !== truth.length) throw new RangeError('scores and truth differ in length');
  const positives = truth.filter(Boolean).length;
  if (positives === 0) return NaN;
  const order = scores.map((s, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let k = 0; k < order.length; k++) {
    if (truth[order[k]]) tp++;
    else fp++;
    const last = k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]];
    if (!last) continue;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}
