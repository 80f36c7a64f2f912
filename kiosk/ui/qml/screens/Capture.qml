import QtQuick
import "../components"

// Capture one material: the live camera with the detected page outline, the quality gate's
// guidance, auto-capture (a progress ring while the page steadies), the manual shutter as a
// fallback, per-page retake and removal, thumbnails. Everything shown comes from `capture`
// (the live camera) and `session` (the material, its pages).
Item {
    id: screen
    readonly property bool live: capture.cameraWired
    Column {
        id: column
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: session.material.name || "" }
        KText {
            width: parent.width
            color: Theme.muted
            text: qsTr("Document %1 of %2").arg((session.material.index || 0) + 1).arg(session.material.count || 0)
                  + (session.material.note ? " · " + session.material.note : "")
        }
        KText {
            width: parent.width
            visible: session.material.satisfiedByCard === true
            color: Theme.success
            text: qsTr("Your ID card was read: no photo of it is needed.")
        }
    }
    Grid {
        id: body
        anchors { top: column.bottom; topMargin: Theme.spacing; left: parent.left; right: parent.right }
        columns: Theme.portrait ? 1 : 2
        spacing: Theme.spacing
        Rectangle {
            objectName: "preview"
            width: Theme.portrait ? body.width : body.width * 0.6
            // the camera's 16:9 frame; in landscape as tall as the screen leaves room for
            height: Theme.portrait ? width * 0.6
                                   : Math.min(width * 0.6, screen.height - body.y - Theme.spacing)
            color: "#202428"
            radius: Theme.radius
            clip: true
            Image {
                id: camera
                objectName: "cameraPreview"
                anchors { fill: parent; margins: 6 }
                visible: screen.live && source != ""
                source: capture.frameUrl
                cache: false
                smooth: true
                fillMode: Image.PreserveAspectFit
            }
            Canvas {
                // the page the detector found, drawn over the painted part of the preview
                id: outline
                objectName: "outline"
                readonly property var points: capture.outline
                readonly property bool good: capture.ready
                x: camera.x + (camera.width - camera.paintedWidth) / 2
                y: camera.y + (camera.height - camera.paintedHeight) / 2
                width: camera.paintedWidth
                height: camera.paintedHeight
                visible: camera.visible && points.length === 8
                onPointsChanged: requestPaint()
                onGoodChanged: requestPaint()
                onWidthChanged: requestPaint()
                onHeightChanged: requestPaint()
                onPaint: {
                    var ctx = getContext("2d");
                    ctx.reset();
                    if (points.length !== 8)
                        return;
                    ctx.lineWidth = 6;
                    ctx.lineJoin = "round";
                    ctx.strokeStyle = good ? "#4CAF50" : "#FFC107";
                    ctx.fillStyle = good ? "#334CAF50" : "#22FFC107";
                    ctx.beginPath();
                    ctx.moveTo(points[0] * width, points[1] * height);
                    for (var i = 2; i < 8; i += 2)
                        ctx.lineTo(points[i] * width, points[i + 1] * height);
                    ctx.closePath();
                    ctx.fill();
                    ctx.stroke();
                }
            }
            Canvas {
                // auto-capture: fills while the page holds still, then the page is taken
                id: ring
                objectName: "progressRing"
                readonly property real progress: capture.progress
                width: Theme.minTouch
                height: width
                anchors { top: parent.top; right: parent.right; margins: 16 }
                visible: screen.live && capture.state === "steadying"
                onProgressChanged: requestPaint()
                onVisibleChanged: requestPaint()
                onPaint: {
                    var ctx = getContext("2d");
                    ctx.reset();
                    var r = width / 2 - 6;
                    ctx.lineWidth = 10;
                    ctx.strokeStyle = "#55FFFFFF";
                    ctx.beginPath();
                    ctx.arc(width / 2, height / 2, r, 0, 2 * Math.PI);
                    ctx.stroke();
                    ctx.strokeStyle = "#4CAF50";
                    ctx.beginPath();
                    ctx.arc(width / 2, height / 2, r, -Math.PI / 2, -Math.PI / 2 + 2 * Math.PI * progress);
                    ctx.stroke();
                }
            }
            Image {
                // without a camera (a terminal whose camera is not wired): the last page taken
                objectName: "lastPage"
                anchors { fill: parent; margins: 16 }
                readonly property var thumbs: session.material.thumbnails || []
                source: !screen.live && thumbs.length ? thumbs[thumbs.length - 1] : ""
                visible: !screen.live && thumbs.length > 0
                cache: false
                fillMode: Image.PreserveAspectFit
            }
            Rectangle {
                anchors { bottom: parent.bottom; left: parent.left; right: parent.right }
                height: guidance.implicitHeight + 24
                color: "#B0202428"
                KText {
                    id: guidance
                    objectName: "guidance"
                    anchors.centerIn: parent
                    width: parent.width * 0.94
                    horizontalAlignment: Text.AlignHCenter
                    color: "#F5F5F5"
                    text: !screen.live
                          ? qsTr("Place the document under the camera, flat and inside the frame")
                          : (capture.guidance || qsTr("Starting the camera…"))
                }
            }
        }
        Column {
            id: panel
            width: Theme.portrait ? body.width : body.width * 0.4 - Theme.spacing
            spacing: Theme.spacing
            Row {
                objectName: "retakeBanner"
                visible: capture.retakeIndex >= 0
                spacing: Theme.spacing
                KText {
                    anchors.verticalCenter: parent.verticalCenter
                    width: panel.width - cancelRetake.width - Theme.spacing
                    color: Theme.primary
                    text: qsTr("Retaking page %1: place it under the camera again").arg(capture.retakeIndex + 1)
                }
                BigButton {
                    id: cancelRetake
                    objectName: "cancelRetake"
                    pixelSize: Theme.fontSmall
                    text: qsTr("Keep the old page")
                    onClicked: capture.cancelRetake()
                }
            }
            KText {
                width: parent.width
                text: qsTr("Pages: %1 (at least %2, at most %3)").arg(session.material.pages || 0)
                      .arg(session.material.minPages || 0).arg(session.material.maxPages || 0)
            }
            ListView {
                // the pages taken so far, newest last; scrolls sideways when they do not fit
                id: thumbs
                objectName: "thumbnails"
                width: parent.width
                height: Theme.minTouch * 2 * 1.33 + 2 * Theme.minTouch + 2 * 6
                orientation: ListView.Horizontal
                spacing: Theme.spacing
                clip: true
                model: session.material.thumbnails || []
                onCountChanged: positionViewAtEnd()
                delegate: Column {
                    required property string modelData
                    required property int index
                    spacing: 6
                    Rectangle {
                        width: Theme.minTouch * 2
                        height: width * 1.33
                        color: "transparent"
                        border.width: capture.retakeIndex === index ? 6 : 0
                        border.color: Theme.primary
                        Image {
                            objectName: "thumb_" + index
                            anchors { fill: parent; margins: 6 }
                            source: modelData
                            cache: false
                            fillMode: Image.PreserveAspectFit
                        }
                    }
                    BigButton {
                        objectName: "retake_" + index
                        width: Theme.minTouch * 2
                        pixelSize: Theme.fontSmall
                        text: qsTr("Retake")
                        onClicked: session.retakePage(index)
                    }
                    BigButton {
                        objectName: "remove_" + index
                        width: Theme.minTouch * 2
                        pixelSize: Theme.fontSmall
                        text: qsTr("Remove")
                        onClicked: session.removePage(index)
                    }
                }
            }
            ErrorText { width: parent.width; text: session.error }
        }
    }
    Row {
        anchors { bottom: parent.bottom; right: parent.right }
        spacing: Theme.spacing
        BigButton {
            objectName: "capturePage"
            enabled: session.material.canAdd === true || capture.retakeIndex >= 0
            text: qsTr("Capture page")
            onClicked: session.capturePage()
        }
        BigButton {
            objectName: "finishMaterial"
            primary: true
            text: qsTr("Next")
            onClicked: session.finishMaterial()
        }
    }
}
