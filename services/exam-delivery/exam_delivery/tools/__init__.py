"""The candidate's tools per question: options struck out, highlights in the stem, a note."""
