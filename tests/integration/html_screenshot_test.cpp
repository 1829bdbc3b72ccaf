// report.html as a person sees it: headless Chromium renders the page of a
// real run and takes a screenshot. Skipped where Chromium is not installed
// (the test command does not install a browser).
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "common/subprocess.h"

TEST(HtmlReport, RendersInHeadlessChromiumWithCharts) {
  const char* browser = nullptr;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (access(candidate, X_OK) == 0) browser = candidate;
  if (!browser) GTEST_SKIP() << "Chromium is not installed";

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
  auto shot = shootout::common::capture_stdout(
      {browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + profile, "--window-size=1200,2000", "--screenshot=" + png,
       "file://" + dir + "/report.html"});
  ASSERT_TRUE(shot.has_value());
  struct stat st {};
  ASSERT_EQ(stat(png.c_str(), &st), 0) << "no screenshot written";
  // A blank 1200x2000 page compresses to a few KiB; tables and charts to
  // far more.
  EXPECT_GT(st.st_size, 60 * 1024) << "the screenshot looks blank";
}
