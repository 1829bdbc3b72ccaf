// report.html as a person sees it: headless Chromium renders the page of a
// real run and takes a screenshot. The test command installs Debian's
// chromium (scripts/install-deps.sh) and sets ALLOC_SHOOTOUT_TEST_DEPS=1:
// there a missing browser fails the test; elsewhere it is skipped.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "common/subprocess.h"

TEST(HtmlReport, RendersInHeadlessChromiumWithCharts) {
  const char* browser = nullptr;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (access(candidate, X_OK) == 0) browser = candidate;
  if (!browser) {
    const char* set_up = std::getenv("ALLOC_SHOOTOUT_TEST_DEPS");
    if (set_up && std::string(set_up) == "1")
      FAIL() << "Chromium is missing although the test set-up installs it "
                "(scripts/install-deps.sh with ALLOC_SHOOTOUT_TEST_DEPS=1)";
    GTEST_SKIP() << "Chromium is not installed";
  }

  const std::string dir = fresh_dir("html") + "/run";
  auto r = run_cli({"run", "-a", "std,jemalloc", "-w", "mpsc/{64,4096}", "--payload", "filled",
                    "--out", dir, "--samples", "3", "--measurement-time", "0.05", "--warm-up-time",
                    "0.01", "--no-allocation-profile"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream page(dir + "/report.html");
  const std::string html((std::istreambuf_iterator<char>(page)), {});
  ASSERT_NE(html.find("<svg"), std::string::npos) << "no chart in report.html";

  const std::string png = dir + "/screenshot.png";
  const std::string profile = fresh_dir("chromium-profile");
  // As root (CI) Chromium refuses to start without --no-sandbox; a
  // container's small /dev/shm crashes its renderer without
  // --disable-dev-shm-usage. `timeout` bounds a browser that hangs (it takes
  // 5-15 s here): 120 s, then SIGKILL 10 s later.
  auto shot = shootout::common::capture_stdout(
      {"timeout", "--kill-after=10", "120", browser, "--headless", "--no-sandbox", "--disable-gpu",
       "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + profile, "--window-size=1200,2000", "--screenshot=" + png,
       "file://" + dir + "/report.html"});
  ASSERT_TRUE(shot.has_value()) << "could not start " << browser;
  ASSERT_EQ(shot->exit_status, 0) << browser << " failed or timed out (status 124: timed out)";
  struct stat st {};
  ASSERT_EQ(stat(png.c_str(), &st), 0) << "no screenshot written";
  // A blank 1200x2000 page compresses to a few KiB; tables and charts to
  // far more.
  EXPECT_GT(st.st_size, 60 * 1024) << "the screenshot looks blank";
}
