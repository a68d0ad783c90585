# Reference figures from netdiffuseR for tests/adoption/test_netdiffuser_reference.py.
#
# Our own R code calling netdiffuseR's public API (not run by CI; the tests read the
# JSON it writes). Run on 2026-12-01 with R 4.2.2 (Debian bookworm r-base-core) and
# netdiffuseR 1.25.0 (GitHub USCCANA/netdiffuseR, commit f16350e5), networkDynamic
# 0.11.2 (statnet/networkDynamic, commit 1bf21c4), other dependencies from Debian:
#
#   Rscript tests/adoption/reference/netdiffuser_reference.R DATA_DIR OUT_JSON \
#     > tests/adoption/reference/netdiffuser_reference.txt
#
# DATA_DIR is ../shared/data/diffusion. Random: struct_test (only its observed statistic
# is recorded) and struct_equiv's tie-breaking (seeded before each exposure variant).

suppressMessages({
  library(netdiffuseR)
  library(Matrix)
  library(jsonlite)
})
args <- commandArgs(trailingOnly = TRUE)
D <- if (length(args) >= 1) args[1] else "../shared/data/diffusion"
OUT <- if (length(args) >= 2) args[2] else "netdiffuser_reference.json"
options(width = 120)

ref <- list(
  netdiffuseR = as.character(packageVersion("netdiffuseR")),
  R = R.version.string,
  date = as.character(Sys.Date())
)
say <- function(...) cat("\n## ", ..., "\n", sep = "")

# -- the networks, from our CSVs (ids in numeric order, tie values = nomination counts)
read_study <- function(name, t0, t1, toa_col = "toa_ndr") {
  nodes <- read.csv(file.path(D, paste0(name, "_nodes.csv")))
  edges <- read.csv(file.path(D, paste0(name, "_edges.csv")))
  ids <- as.character(nodes$id)
  g <- sparseMatrix(i = match(edges$source, nodes$id), j = match(edges$target, nodes$id),
                    x = as.numeric(edges$weight), dims = c(nrow(nodes), nrow(nodes)),
                    dimnames = list(ids, ids))
  g <- methods::as(g, "dgCMatrix")
  graph <- replicate(t1 - t0 + 1, g, simplify = FALSE)
  names(graph) <- t0:t1
  attrs <- nodes[, setdiff(names(nodes), c("id", "toa", "toa_ndr")), drop = FALSE]
  as_diffnet(graph, toa = nodes[[toa_col]], t0 = t0, t1 = t1,
             vertex.static.attrs = attrs, name = name)
}
nets <- list(
  medInnovations = read_study("medInnovations", 1, 18),
  brfarmers      = read_study("brfarmers", 1946, 1966),
  kfamily        = read_study("kfamily", 1, 11)
)

# -- do our CSVs build the package's own objects? -------------------------------------
edge_key <- function(g) {
  s <- summary(methods::as(g, "TsparseMatrix"))
  rn <- rownames(g)
  sort(paste(rn[s$i], rn[s$j], s$x))
}
compare <- function(ours, theirs, label, string_sorted_toa = FALSE) {
  ids_o <- ours$meta$ids
  ids_t <- theirs$meta$ids
  same_ids <- setequal(ids_o, ids_t)
  pos <- match(ids_o, ids_t)
  toa_t <- theirs$toa[pos]
  same_toa <- isTRUE(all.equal(unname(ours$toa), unname(toa_t)))
  same_edges <- identical(edge_key(ours$graph[[1]]), edge_key(theirs$graph[[1]]))
  static <- all(vapply(theirs$graph, function(x) identical(edge_key(x),
                                                            edge_key(theirs$graph[[1]])),
                       logical(1)))
  cat(sprintf("%s: ids %s, toa %s, edges+values %s, same graph every period %s, n %d, ties %d, periods %s\n",
              label, same_ids, same_toa, same_edges, static, length(ids_t),
              nlinks(theirs$graph[[1]]), paste(range(theirs$meta$pers), collapse = "-")))
  list(same_ids = same_ids, same_toa = same_toa, same_edges = same_edges,
       static = static, n = length(ids_t), ties = nlinks(theirs$graph[[1]]),
       t0 = min(theirs$meta$pers), t1 = max(theirs$meta$pers))
}
say("Do the CSVs build netdiffuseR's objects?")
ref$objects <- list(
  medInnovations = compare(nets$medInnovations, medInnovationsDiffNet, "medInnovationsDiffNet"),
  brfarmers = compare(nets$brfarmers, brfarmersDiffNet, "brfarmersDiffNet"),
  kfamily = compare(nets$kfamily, kfamilyDiffNet, "kfamilyDiffNet")
)
# kfamilyDiffNet: toa attached in numeric id order to vertices sorted as strings
kf_o <- nets$kfamily
num_order <- order(as.numeric(kf_o$meta$ids))
str_order <- order(kf_o$meta$ids)
shifted <- setNames(numeric(length(num_order)), kf_o$meta$ids[str_order])
shifted[] <- kf_o$toa[num_order]
ref$objects$kfamily$toa_is_numeric_order_on_string_sorted_ids <-
  isTRUE(all.equal(unname(shifted[kfamilyDiffNet$meta$ids]), unname(kfamilyDiffNet$toa)))
cat("kfamilyDiffNet toa == toa in numeric id order laid on string-sorted ids:",
    ref$objects$kfamily$toa_is_numeric_order_on_string_sorted_ids, "\n")

# -- per-study figures ----------------------------------------------------------------
full <- function(m) unname(as.matrix(m))
colsum <- function(m) unname(colSums(as.matrix(m), na.rm = TRUE))
figures <- function(net, label, group = "community", full_matrices = FALSE) {
  out <- list()
  say("summary(", label, ")")
  summary(net)
  s <- summary(net, no.print = TRUE)
  out$summary <- lapply(as.list(s), unname)
  out$left_censoring <- sum(net$toa == net$meta$pers[1], na.rm = TRUE)
  out$right_censoring <- sum(is.na(net$toa))
  say("hazard_rate / cumulative_adopt_count (", label, ")")
  print(hazard_rate(net, no.plot = TRUE))
  print(cumulative_adopt_count(net))
  out$hazard_rate <- unname(as.vector(hazard_rate(net, no.plot = TRUE)))
  out$cumulative_adopt_count <- lapply(
    split(cumulative_adopt_count(net), c("num", "prop", "rate")), unname)

  say("fitbass(", label, ") (?fitbass example: fitbass(brfarmersDiffNet))")
  fb <- tryCatch(fitbass(net), error = function(e) e)
  if (inherits(fb, "error")) {
    cat("fitbass failed:", conditionMessage(fb), "\n")
    out$fitbass <- list(error = conditionMessage(fb))
  } else {
    print(fb)
    sfb <- summary(fb)
    print(sfb)
    cf <- sfb$coefficients
    out$fitbass <- list(terms = rownames(cf), estimate = unname(cf[, 1]),
                        std_error = unname(cf[, 2]), sigma = sfb$sigma,
                        df = unname(sfb$df), iterations = fb$convInfo$finIter,
                        rss = sum(residuals(fb)^2))
  }

  say("threshold(", label, ")")
  thr <- threshold(net)
  out$threshold <- unname(as.vector(thr))
  grp <- net[[group]]
  by <- tapply(as.vector(thr), grp, mean, na.rm = TRUE)
  print(round(by, 6))
  cat("overall mean threshold:", format(mean(thr, na.rm = TRUE), digits = 15), "\n")
  out$threshold_by_group <- list(group = names(by), mean = unname(as.vector(by)))
  out$threshold_mean <- mean(thr, na.rm = TRUE)
  out$threshold_lag1 <- unname(as.vector(threshold(net, lags = 1L)))
  out$threshold_incoming <- unname(as.vector(threshold(net, outgoing = FALSE)))

  say("classify_adopters(", label, ")")
  cl <- classify_adopters(net)
  print(ftable(cl))
  print(ftable(cl, as.pcent = TRUE, digits = 2))
  print(cl$cutoffs)
  tab <- table(cl$toa, cl$thr)
  out$classify <- list(
    toa_levels = rownames(tab), thr_levels = colnames(tab),
    counts = unname(lapply(seq_len(nrow(tab)), function(i) as.vector(tab[i, ]))),
    toa_cutoffs = cl$cutoffs$toa, thr_cutoffs = cl$cutoffs$thr
  )

  say("exposure(", label, ") variants: column sums (full matrices for medInnovations)")
  variants <- list(
    default = function() exposure(net),
    lags1 = function() exposure(net, lags = 1L),
    incoming = function() exposure(net, outgoing = FALSE),
    valued = function() exposure(net, valued = TRUE),
    counts = function() exposure(net, normalized = FALSE),
    valued_incoming_lag1 = function() exposure(net, valued = TRUE, outgoing = FALSE, lags = 1L),
    se = function() suppressWarnings(exposure(net, alt.graph = "se")),
    se_groupvar = function() suppressWarnings(exposure(net, alt.graph = "se", groupvar = group)),
    indegree_attr = function() exposure(net, attrs = dgr(net, cmode = "indegree"))
  )
  if (nvertices(net) > 800) variants$se <- NULL  # struct_equiv in R: n^2 x n doubles
  # struct_equiv() takes each row's largest distance with max.col(), which breaks ties
  # at random (within a relative 1e-5): a seed makes the "se" variants repeatable
  out$exposure <- list()
  for (v in names(variants)) {
    set.seed(1)
    e <- variants[[v]]()
    out$exposure[[v]] <- list(colsums = colsum(e),
                              rowsums = unname(rowSums(as.matrix(e), na.rm = TRUE)))
    if (full_matrices && v %in% c("default", "lags1", "valued", "se")) out$exposure[[v]]$matrix <- full(e)
    cat(v, ":", format(colsum(e), digits = 10), "\n")
  }

  say("infection / susceptibility (", label, ")")
  is_calls <- list(
    default = list(),
    K3 = list(K = 3L),
    K3_exp = list(K = 3L, expdiscount = TRUE, r = 0.5),
    raw = list(normalize = FALSE),
    valued_incoming = list(valued = TRUE, outgoing = FALSE)
  )
  out$infection <- list()
  out$susceptibility <- list()
  for (k in names(is_calls)) {
    inf <- do.call(infection, c(list(net), is_calls[[k]]))
    sus <- do.call(susceptibility, c(list(net), is_calls[[k]]))
    out$infection[[k]] <- unname(as.vector(inf))
    out$susceptibility[[k]] <- unname(as.vector(sus))
    cat(k, ": mean infection", format(mean(inf, na.rm = TRUE), digits = 10),
        " mean susceptibility", format(mean(sus, na.rm = TRUE), digits = 10), "\n")
  }

  say("moran() of the time of adoption, inverse geodesic weights (", label, ")")
  g <- approx_geodesic(net$graph[[1]])
  g@x <- 1 / g@x
  m <- moran(net$toa, g)
  print(m)
  out$moran_toa <- unlist(m)
  m2 <- moran(net$toa, g, normalize.w = FALSE, alternative = "greater")
  out$moran_toa_raw_greater <- unlist(m2)

  say("struct_test observed statistic (mean threshold) (", label, ")")
  avgthr <- function(x) mean(threshold(x), na.rm = TRUE)
  set.seed(1)
  st <- struct_test(net, avgthr, R = 20)
  cat("t0 =", format(st$t0, digits = 15), "\n")
  out$struct_test_t0 <- st$t0
  out
}
for (nm in names(nets)) {
  ref[[nm]] <- figures(nets[[nm]], nm, full_matrices = nm == "medInnovations")
}

# The package objects themselves (medInnovations and brfarmers are aligned with the CSVs,
# so these repeat the figures above; kfamilyDiffNet is misaligned and gives its own).
say("summary / classify on the package objects")
ref$package_objects <- list()
for (nm in c("medInnovationsDiffNet", "brfarmersDiffNet", "kfamilyDiffNet")) {
  obj <- get(nm)
  s <- summary(obj, no.print = TRUE)
  cl <- classify_adopters(obj)
  tab <- table(cl$toa, cl$thr)
  thr <- threshold(obj)
  ref$package_objects[[nm]] <- list(
    summary = lapply(as.list(s), unname),
    threshold_mean = mean(thr, na.rm = TRUE),
    classify_counts = unname(lapply(seq_len(nrow(tab)), function(i) as.vector(tab[i, ]))),
    toa_cutoffs = cl$cutoffs$toa, thr_cutoffs = cl$cutoffs$thr
  )
  cat(nm, ": mean threshold", format(mean(thr, na.rm = TRUE), digits = 15), "\n")
  print(ftable(classify(obj, include_censored = TRUE), as.pcent = TRUE, digits = 2))
}

coefs <- function(fit) {
  cf <- summary(fit)$coefficients
  list(terms = rownames(cf), estimate = unname(cf[, 1]), std_error = unname(cf[, 2]),
       z = unname(cf[, 3]), p = unname(cf[, 4]), n_obs = nobs(fit),
       deviance = deviance(fit), null_deviance = fit$null.deviance, aic = AIC(fit))
}

# -- ?classify_adopters example: the Brazilian farmers with never-adopters censored ----
say("?classify_adopters example (brfarmersDiffNet, toa == max set to NA)")
x <- brfarmersDiffNet
diffnet.toa(x)[x$toa == max(x$toa, na.rm = TRUE)] <- NA
out <- classify_adopters(x)
pct <- round(
  with(out, ftable(toa, thr, dnn = c("Time of Adoption", "Threshold"))) /
    nnodes(x[!is.na(x$toa)]) * 100, digits = 2)
print(pct)
print(ftable(out))
print(out$cutoffs)
tab <- table(out$toa, out$thr)
ref$classify_example_brfarmers <- list(
  toa_levels = rownames(tab), thr_levels = colnames(tab),
  counts = unname(lapply(seq_len(nrow(tab)), function(i) as.vector(tab[i, ]))),
  percent_of_adopters = unname(lapply(seq_len(nrow(pct)), function(i) as.vector(pct[i, ]))),
  adopters = nnodes(x[!is.na(x$toa)]),
  toa_cutoffs = out$cutoffs$toa, thr_cutoffs = out$cutoffs$thr)

# the same censored object through summary(), threshold(), exposure() and diffreg()
say("censored brfarmers (x above): summary, threshold, exposure, diffreg")
summary(x)
fit_cens <- diffreg(x ~ exposure + factor(per))
print(summary(fit_cens)$coefficients[1:2, ])
ref$censored_brfarmers <- list(
  summary = lapply(as.list(summary(x, no.print = TRUE)), unname),
  right_censoring = sum(is.na(x$toa)),
  threshold = unname(as.vector(threshold(x))),
  exposure_colsums = colsum(exposure(x)),
  exposure_lag1_colsums = colsum(exposure(x, lags = 1L)),
  diffreg = coefs(fit_cens))

# -- ?`diffnet-arithmetic` example: two-step thresholds ---------------------------------
say("?`diffnet-arithmetic`: threshold(brfarmersDiffNet^2), cor(expo1, expo2)")
expo1 <- threshold(brfarmersDiffNet)
expo2 <- threshold(brfarmersDiffNet^2)
print(cor(expo1, expo2))
ref$two_step_threshold_brfarmers <- list(threshold = unname(as.vector(expo2)),
                                         cor = unname(as.vector(cor(expo1, expo2))))

# -- struct_test by city (vignette): observed statistic only ---------------------------
say("vignette: mean threshold per city and struct_test's observed statistic")
avgthr <- function(x) mean(threshold(x), na.rm = TRUE)
city <- medInnovationsDiffNet$vertex.static.attrs[, "city"]
ref$vignette_city_t0 <- list()
for (cc in 1:4) {
  sub <- medInnovationsDiffNet[which(city == cc), ]
  set.seed(1)
  st <- struct_test(sub, avgthr, 20)
  cat("city", cc, ": mean threshold on the city's own subgraph", format(st$t0, digits = 15), "\n")
  ref$vignette_city_t0[[as.character(cc)]] <- st$t0
}

# -- regressions (vignette and ?diffreg) ----------------------------------------------
say("vignette 'Running the model' (glm on the vignette's own diffnet)")
data(medInnovations)
othervars <- c("id", "toa", "city")
netvars <- names(medInnovations)[grepl("^net", names(medInnovations))]
for (i in c("id", netvars))
  medInnovations[[i]] <- medInnovations[[i]] + medInnovations$city * 1000
surveyed <- medInnovations$id
for (i in netvars)
  medInnovations[[i]][which(!(medInnovations[[i]] %in% surveyed))] <- NA
medInnovations.long <- reshape(
  medInnovations[, c(othervars, netvars)], v.names = "net",
  varying = netvars, timevar = "level", idvar = "id", direction = "long")
graph <- with(medInnovations.long,
              edgelist_to_adjmat(cbind(id, net), t = 18, undirected = FALSE,
                                 keep.isolates = TRUE))
orddata <- as.numeric(as.factor(rownames(graph[[1]])))
medInnovations <- medInnovations[orddata, ]
diffnet <- as_diffnet(graph, medInnovations$toa,
                      vertex.static.attrs = subset(medInnovations, select = c(-id, -toa)))
expo <- exposure(diffnet, lags = 1L)
diffnet[["lagged_expo"]] <- expo
diffnet[["adopted"]] <- toa_mat(diffnet)$cumadopt
mydata <- as.data.frame(diffnet)
fit_glm <- glm(adopted ~ lagged_expo + factor(per) + factor(city) + belief +
                 proage + I(proage^2),
               dat = mydata, subset = (per <= toa) & per < 18,
               family = binomial(link = "logit"))
print(summary(fit_glm))
ref$vignette_glm <- coefs(fit_glm)
say("vignette diffreg(diffnet ~ exposure + factor(per) + factor(city) + belief + proage + I(proage^2))")
fit_dr <- diffreg(diffnet ~ exposure + factor(per) + factor(city) + belief + proage + I(proage^2))
print(summary(fit_dr))
ref$vignette_diffreg <- coefs(fit_dr)
say("?diffreg example: diffreg(medInnovationsDiffNet ~ exposure + factor(city) + proage + per)")
fit_man <- suppressWarnings(diffreg(medInnovationsDiffNet ~ exposure + factor(city) + proage + per))
print(summary(fit_man))
ref$man_diffreg <- coefs(fit_man)
say("diffreg(brfarmersDiffNet ~ exposure + factor(per)) and probit, and kfamily (CSV) ~ exposure + factor(per)")
ref$brfarmers_diffreg <- coefs(diffreg(brfarmersDiffNet ~ exposure + factor(per)))
print(summary(diffreg(brfarmersDiffNet ~ exposure + factor(per)))$coefficients[1:2, ])
ref$brfarmers_diffreg_probit <- coefs(diffreg(brfarmersDiffNet ~ exposure + factor(per),
                                              type = "probit"))
kf <- nets$kfamily
ref$kfamily_diffreg <- coefs(diffreg(kf ~ exposure + factor(per)))
print(summary(diffreg(kf ~ exposure + factor(per)))$coefficients[1:2, ])
ref$medinnov_diffreg_lag2 <- coefs(suppressWarnings(
  diffreg(medInnovationsDiffNet ~ exposure(lags = 2L) + factor(per))))

writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, na = "null"), OUT)
cat("\nwrote", OUT, "\n")
