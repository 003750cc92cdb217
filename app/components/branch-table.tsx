import { Link } from "@remix-run/react";
import { Badge } from "./badge";
import { TableWrap } from "./table-wrap";

export type BranchRow = { id: number; code: string; name: string; region: string; active: boolean; managers: number; staff: number };

/**
 * Branches with their headcount; the region column is left out where rows are grouped by region.
 * With `hrefFor`, each branch name links to its page.
 */
export function BranchTable({
  branches,
  caption,
  showRegion = true,
  hrefFor,
}: {
  branches: BranchRow[];
  caption: string;
  showRegion?: boolean;
  hrefFor?: (id: number) => string;
}) {
  return (
    <TableWrap label={`${caption} table`}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Branch</th>
            <th scope="col">Code</th>
            {showRegion ? <th scope="col">Region</th> : null}
            <th scope="col" className="num">
              Managers
            </th>
            <th scope="col" className="num">
              Staff
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {branches.map((branch) => (
            <tr key={branch.id}>
              <td>{hrefFor ? <Link to={hrefFor(branch.id)}>{branch.name}</Link> : branch.name}</td>
              <td className="mono">{branch.code}</td>
              {showRegion ? <td>{branch.region}</td> : null}
              <td className="num">{branch.managers}</td>
              <td className="num">{branch.staff}</td>
              <td>{branch.active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
