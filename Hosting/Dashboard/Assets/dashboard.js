// Small helpers the dashboard's pages call through JS interop.
window.vllmDashboard = {
  scrollToEnd(id) {
    const el = document.getElementById(id);
    if (el) { el.scrollTop = el.scrollHeight; }
  },
};
