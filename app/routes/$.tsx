import { json } from "@remix-run/node";

// Anything no other route matches: a plain 404, shown by the root ErrorBoundary.
export async function loader() {
  throw json({ message: "The page may have moved, or the link you followed may be out of date." }, { status: 404 });
}

export async function action() {
  throw json({ message: "There is nothing here to send a form to." }, { status: 404 });
}

export default function NotFound() {
  return null;
}
