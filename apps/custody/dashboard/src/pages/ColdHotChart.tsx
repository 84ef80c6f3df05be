import { ratioAsPercent, type ColdHotView } from '../compliance';
import { formatMinor, ratioBasisPoints, shareBasisPoints } from '../format';

const LABEL_WIDTH = 70;
const BAR_WIDTH = 560;
const ROW_HEIGHT = 34;
const BAR_HEIGHT = 20;
const TOP = 28;
const SHARE_WIDTH = 110;

function Threshold({
  name,
  ratio,
  className,
}: {
  readonly name: string;
  readonly ratio: string | undefined;
  readonly className: string;
}) {
  const basisPoints = ratio === undefined ? undefined : ratioBasisPoints(ratio);
  if (ratio === undefined || basisPoints === undefined) return null;
  const x = LABEL_WIDTH + (BAR_WIDTH * Math.min(basisPoints, 10_000)) / 10_000;
  return (
    <g className={`threshold ${className}`} data-threshold={name} data-ratio={ratio}>
      <line x1={x} x2={x} y1={TOP - 6} y2="100%" />
      <text x={x} y={TOP - 10} textAnchor={className === 'tw' ? 'end' : 'start'}>
        {name} {ratioAsPercent(ratio)}
      </text>
    </g>
  );
}

/**
 * Cold against hot client holdings per asset, one bar each (cold from the left), with the
 * minimum cold shares of TW-3 and HK-11g drawn across. Geometry only uses basis points; every
 * number written is the service's own figure or an exact format of minor units.
 */
export function ColdHotChart({ view }: { readonly view: ColdHotView }) {
  const height = TOP + view.rows.length * ROW_HEIGHT + 8;
  return (
    <svg
      id="cold-hot-chart"
      data-testid="cold-hot-chart"
      className="chart"
      viewBox={`0 0 ${LABEL_WIDTH + BAR_WIDTH + SHARE_WIDTH} ${height}`}
      role="img"
      aria-label="Cold and hot client holdings per asset against the TW-3 and HK-11g minimum cold shares"
    >
      {view.rows.map((row, index) => {
        const share = shareBasisPoints(row.coldMinor, row.hotMinor);
        const coldWidth = (BAR_WIDTH * share) / 10_000;
        const y = TOP + index * ROW_HEIGHT;
        return (
          <g key={row.asset} data-asset={row.asset} data-cold-share-bp={share}>
            <text x={0} y={y + BAR_HEIGHT - 5} className="label">
              {row.asset}
            </text>
            <rect className="cold" x={LABEL_WIDTH} y={y} width={coldWidth} height={BAR_HEIGHT}>
              <title>{`cold ${formatMinor(row.coldMinor, row.asset)} ${row.asset}`}</title>
            </rect>
            <rect
              className="hot"
              x={LABEL_WIDTH + coldWidth}
              y={y}
              width={BAR_WIDTH - coldWidth}
              height={BAR_HEIGHT}
            >
              <title>{`hot ${formatMinor(row.hotMinor, row.asset)} ${row.asset}`}</title>
            </rect>
            <text x={LABEL_WIDTH + BAR_WIDTH + 8} y={y + BAR_HEIGHT - 5} className="share">
              {row.coldShare ?? ''} cold
            </text>
          </g>
        );
      })}
      <Threshold name="TW-3" ratio={view.twMinimum} className="tw" />
      <Threshold name="HK-11g" ratio={view.hkMinimum} className="hk" />
    </svg>
  );
}
